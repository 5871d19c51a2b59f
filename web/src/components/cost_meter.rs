//! Standard and Express side by side, for the current run and per month, showing what each is
//! computed from. A run's Distributed Map children and nested child executions are billed by
//! their own types in both meters (`engine::aws::cost::breakdown`).

use crate::state::{use_dispatch, Action};
use engine::aws::cost::{self, Breakdown, Charges, Pricing};
use std::rc::Rc;
use yew::prelude::*;

/// What the meters price: the finished run as Standard and as Express.
#[derive(Clone, PartialEq, Debug)]
pub struct CostInputs {
    pub standard: Breakdown,
    /// `None` when Express cannot run this workflow (the reason is in `express_blocked`).
    pub express: Option<Breakdown>,
    pub express_blocked: Option<String>,
    pub transitions: u64,
    pub duration_ms: f64,
    pub memory_mb: f64,
    /// Children priced in (nested executions, Distributed Map children), for the explanation.
    pub children: String,
}

/// The meters' figures: one execution and a month of them, as Standard and as Express.
#[derive(Clone, PartialEq, Debug)]
pub struct CostFigures {
    pub inputs: CostInputs,
    pub pricing: Pricing,
    pub standard_one: Charges,
    pub standard_month: Charges,
    /// One execution and a month, when Express can run the workflow.
    pub express: Option<(Charges, Charges)>,
    pub billed_ms: f64,
    pub billed_mb: f64,
}

impl CostFigures {
    /// Prices `inputs` for `executions` a month (the free tier applies to months only).
    pub fn new(inputs: CostInputs, executions: u64, free_tier: bool) -> CostFigures {
        let pricing = Pricing {
            free_tier,
            ..Pricing::default()
        };
        let single = Pricing {
            free_tier: false,
            ..pricing
        };
        let n = executions as f64;
        CostFigures {
            standard_one: cost::charges(inputs.standard, 1.0, single),
            standard_month: cost::charges(inputs.standard, n, pricing),
            express: inputs
                .express
                .map(|b| (cost::charges(b, 1.0, single), cost::charges(b, n, pricing))),
            billed_ms: cost::billed_duration_ms(inputs.duration_ms),
            billed_mb: cost::billed_memory_mb(inputs.memory_mb),
            pricing,
            inputs,
        }
    }
}

#[derive(Properties, PartialEq, Clone)]
pub struct Props {
    pub figures: Option<Rc<CostFigures>>,
    pub executions: u64,
    pub free_tier: bool,
    #[prop_or_default]
    pub children: Html,
}

pub fn usd(x: f64) -> String {
    if x == 0.0 {
        "$0".into()
    } else if x.abs() < 0.01 {
        format!("${x:.7}")
    } else {
        format!("${x:.2}")
    }
}

#[function_component(CostMeter)]
pub fn cost_meter(p: &Props) -> Html {
    let d = use_dispatch();
    let Some(figures) = &p.figures else {
        return html! { <section class="cost"><p class="hint">{ "Run the state machine to price it." }</p></section> };
    };
    let CostFigures {
        inputs,
        pricing,
        standard_one: std_one,
        standard_month: std_month,
        express: exp,
        billed_ms,
        billed_mb,
    } = &**figures;
    let on_slider = {
        let d = d.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                let exp: f64 = i.value().parse().unwrap_or(6.0);
                d.dispatch(Action::SetExecutions(10f64.powf(exp).round() as u64));
            }
        })
    };
    let on_free = {
        Callback::from(move |e: Event| {
            if let Some(i) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                d.dispatch(Action::SetFreeTier(i.checked()));
            }
        })
    };
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
                    <p class="big">{ usd(std_month.total()) }<small>{ " / month" }</small></p>
                    <p>{ format!("{} per execution", usd(std_one.total())) }</p>
                    <p class="why">{ format!("{} transitions × ${} (us-east-1){}", inputs.transitions, pricing.transition_price, if p.free_tier { ", minus 4,000 free a month" } else { "" }) }</p>
                </div>
                <div class="meter" data-testid="cost-express">
                    <h3>{ "Express" }</h3>
                    if let Some((one, month)) = exp {
                        <p class="big">{ usd(month.total()) }<small>{ " / month" }</small></p>
                        <p>{ format!("{} per execution", usd(one.total())) }</p>
                        <p class="why">{ format!("$1.00/M requests + {billed_ms:.0} ms billed × {billed_mb:.0} MB (est. {:.2} MB) at the page's GB-hour tiers", inputs.memory_mb) }</p>
                    } else {
                        <p class="big">{ "—" }</p>
                        <p class="why">{ format!("Cannot run as Express: {}", inputs.express_blocked.as_deref().unwrap_or("")) }</p>
                    }
                </div>
            </div>
            if !inputs.children.is_empty() {
                <p class="why" data-testid="cost-children">{ format!("Both include {} billed by their own type.", inputs.children) }</p>
            }
            { p.children.clone() }
        </section>
    }
}
