//! Standard and Express side by side, for the current run and per month, showing what each is
//! computed from.

use engine::cost::{self, Pricing, Usage};
use yew::prelude::*;

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub usage: Option<Usage>,
    pub executions: u64,
    pub free_tier: bool,
    pub on_executions: Callback<u64>,
    pub on_free_tier: Callback<bool>,
}

fn usd(x: f64) -> String {
    if x == 0.0 {
        "$0".into()
    } else if x < 0.01 {
        format!("${x:.7}")
    } else {
        format!("${x:.2}")
    }
}

#[function_component(CostMeter)]
pub fn cost_meter(p: &Props) -> Html {
    let Some(usage) = p.usage else {
        return html! { <section class="cost"><p class="hint">{ "Run the state machine to price it." }</p></section> };
    };
    let pricing = Pricing {
        free_tier: p.free_tier,
        ..Pricing::default()
    };
    let one = cost::monthly(
        usage,
        1.0,
        Pricing {
            free_tier: false,
            ..pricing
        },
    );
    let month = cost::monthly(usage, p.executions as f64, pricing);
    let on_slider = {
        let cb = p.on_executions.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                let exp: f64 = i.value().parse().unwrap_or(6.0);
                cb.emit(10f64.powf(exp).round() as u64);
            }
        })
    };
    let on_free = {
        let cb = p.on_free_tier.clone();
        Callback::from(move |e: Event| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                cb.emit(i.checked());
            }
        })
    };
    let billed_ms = cost::billed_duration_ms(usage.duration_ms);
    let billed_mb = cost::billed_memory_mb(usage.memory_mb);
    html! {
        <section class="cost">
            <div class="row">
                <label class="executions">{ format!("{} executions / month ", p.executions) }
                    <input type="range" min="0" max="9" step="0.1" value={format!("{:.1}", (p.executions.max(1) as f64).log10())} oninput={on_slider} aria-label="Executions per month (log scale)" />
                </label>
                <label><input type="checkbox" checked={p.free_tier} onchange={on_free} />{ " Standard free tier (4,000/month)" }</label>
            </div>
            <div class="meters">
                <div class="meter" data-testid="cost-standard">
                    <h3>{ "Standard" }</h3>
                    <p class="big">{ usd(month.standard) }<small>{ " / month" }</small></p>
                    <p>{ format!("{} per execution", usd(one.standard)) }</p>
                    <p class="why">{ format!("{} transitions × ${} (us-east-1){}", usage.transitions, pricing.transition_price, if p.free_tier { ", minus 4,000 free a month" } else { "" }) }</p>
                </div>
                <div class="meter" data-testid="cost-express">
                    <h3>{ "Express" }</h3>
                    <p class="big">{ usd(month.express()) }<small>{ " / month" }</small></p>
                    <p>{ format!("{} per execution", usd(one.express())) }</p>
                    <p class="why">{ format!("$1.00/M requests + {billed_ms:.0} ms billed × {billed_mb:.0} MB (est. {:.2} MB) at the page's GB-hour tiers", usage.memory_mb) }</p>
                </div>
            </div>
        </section>
    }
}
