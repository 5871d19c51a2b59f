//! The right pane: running (type, input, mocks, buttons, callbacks, output), "To AWS", what
//! the run started, the cost meters with the advisor, and the history.

use crate::app::derived::ChildRun;
use crate::components::{
    cost_meter::{CostFigures, CostMeter},
    history::History,
    move_advisor::MoveAdvisor,
    run_extras::RunExtras,
    run_panel::RunPanel,
    to_aws::ToAws,
};
use crate::state::{RunSession, Workspace};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub ws: Workspace,
    pub session: RunSession,
    pub test_cases: Rc<Vec<String>>,
    pub can_run: bool,
    /// Why Run waits (a module is loading), or why it cannot run.
    pub notice: Option<AttrValue>,
    pub cost: Option<Rc<CostFigures>>,
    pub executions: u64,
    pub free_tier: bool,
    /// The top-level states (the advisor's picks).
    pub top_states: Rc<Vec<Rc<str>>>,
    /// A child execution shown instead of the run (the history is its history).
    pub child: Option<ChildRun>,
}

#[function_component(RunPane)]
pub fn run_pane(p: &Props) -> Html {
    let run = p.session.run.as_ref();
    html! {
        <section class="right">
            <RunPanel ws={p.ws.clone()} session={p.session.clone()} test_cases={p.test_cases.as_ref().clone()} can_run={p.can_run} notice={p.notice.clone()} />
            <ToAws ws={p.ws.clone()} />
            if let Some(run) = run {
                <RunExtras run={run.clone()} />
            }
            <CostMeter figures={p.cost.clone()} executions={p.executions} free_tier={p.free_tier}>
                if let Some(run) = run {
                    <MoveAdvisor run={run.clone()} states={p.top_states.clone()} executions={p.executions} free_tier={p.free_tier} />
                }
            </CostMeter>
            if let Some(child) = &p.child {
                <History run={child.handle.clone()} running={false} />
            } else if let Some(run) = run {
                <History run={run.clone()} running={p.session.running} />
            }
        </section>
    }
}
