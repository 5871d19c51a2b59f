//! The cost model, from AWS's billing rules (`../shared/reference/pricing-and-quotas.md`):
//!
//! - Standard: billable state transitions (states entered + retries) × the regional price; an
//!   optional free tier of 4,000 transitions a month.
//! - Express: requests × $1.00 per million + duration rounded up to 100 ms × memory rounded up
//!   to 64 MB, priced per GB-second in three tiers.
//!
//! Duration tiers: AWS's pricing page prints GB-hour rates ($0.06000, $0.03000, $0.01642) and
//! its worked example uses them; the Price List API (what bills are computed from, per the
//! usage type `StepFunctions-GB-Second`) has GB-second rates ($0.00001667, $0.00000833,
//! $0.00000456), which differ by up to 0.03%. Both are offered; the meters default to the
//! page's GB-hour rates so that AWS's own published examples reproduce to the cent.

/// Price per state transition by region (the pricing page's table; USD).
pub const REGIONS: &[(&str, f64)] = &[
    ("us-east-1", 0.000025),
    ("us-east-2", 0.000025),
    ("us-west-2", 0.000025),
    ("us-west-1", 0.0000279),
    ("ca-central-1", 0.000025),
    ("sa-east-1", 0.0000375),
    ("us-gov-east-1", 0.00003),
    ("us-gov-west-1", 0.00003),
    ("eu-west-1", 0.000025),
    ("eu-central-1", 0.000025),
    ("eu-west-2", 0.000025),
    ("eu-north-1", 0.000025),
    ("eu-west-3", 0.0000297),
    ("ap-southeast-1", 0.000025),
    ("ap-northeast-1", 0.000025),
    ("ap-southeast-2", 0.000025),
    ("ap-northeast-2", 0.0000271),
    ("ap-south-1", 0.0000285),
];

pub(crate) const FREE_TRANSITIONS_PER_MONTH: f64 = 4000.0;
pub(crate) const EXPRESS_PRICE_PER_REQUEST: f64 = 0.000_001;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RateBasis {
    /// The pricing page's GB-hour rates (its worked examples use them).
    #[default]
    GbHour,
    /// The Price List API's GB-second rates.
    GbSecond,
}

/// Tier sizes in GB-seconds: the first 1,000 GB-hours, the next 4,000, then the rest.
const TIER_LIMITS_GB_S: [f64; 2] = [3_600_000.0, 14_400_000.0];

fn tier_rates(basis: RateBasis) -> [f64; 3] {
    match basis {
        RateBasis::GbHour => [0.06 / 3600.0, 0.03 / 3600.0, 0.01642 / 3600.0],
        RateBasis::GbSecond => [0.000_016_67, 0.000_008_33, 0.000_004_56],
    }
}

pub fn transition_price(region: &str) -> Option<f64> {
    REGIONS.iter().find(|(r, _)| *r == region).map(|(_, p)| *p)
}

/// Billed duration: rounded up to the next 100 ms (at least 100 ms).
pub fn billed_duration_ms(duration_ms: f64) -> f64 {
    ((duration_ms.max(1.0)) / 100.0).ceil() * 100.0
}

/// Billed memory: rounded up to a multiple of 64 MB.
pub fn billed_memory_mb(memory_mb: f64) -> f64 {
    ((memory_mb.max(1.0)) / 64.0).ceil() * 64.0
}

/// AWS's estimate of an Express workflow's memory: 50 MB + the definition + the payload × the
/// number of Map or Parallel steps (the page's example counts 1 KB as 1/1000 MB).
pub(crate) fn estimate_memory_mb(
    definition_bytes: usize,
    payload_bytes: usize,
    map_or_parallel_steps: usize,
) -> f64 {
    50.0 + definition_bytes as f64 / 1_000_000.0
        + (payload_bytes * map_or_parallel_steps.max(1)) as f64 / 1_000_000.0
}

/// GB-seconds of one execution.
pub(crate) fn gb_seconds(duration_ms: f64, memory_mb: f64) -> f64 {
    billed_duration_ms(duration_ms) / 1000.0 * billed_memory_mb(memory_mb) / 1024.0
}

/// Duration charge for a month's GB-seconds, tier by tier.
pub(crate) fn express_duration_cost(total_gb_seconds: f64, basis: RateBasis) -> f64 {
    let rates = tier_rates(basis);
    let first = total_gb_seconds.min(TIER_LIMITS_GB_S[0]);
    let second = (total_gb_seconds - TIER_LIMITS_GB_S[0]).clamp(0.0, TIER_LIMITS_GB_S[1]);
    let rest = (total_gb_seconds - TIER_LIMITS_GB_S[0] - TIER_LIMITS_GB_S[1]).max(0.0);
    first * rates[0] + second * rates[1] + rest * rates[2]
}

/// What one execution used.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Usage {
    /// Billable transitions (states entered + retries), for Standard.
    pub transitions: f64,
    pub duration_ms: f64,
    pub memory_mb: f64,
}

/// A month's bill for `executions` runs of one usage.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Bill {
    pub standard: f64,
    pub express_requests: f64,
    pub express_duration: f64,
    pub billable_transitions: f64,
    pub gb_seconds: f64,
}

impl Bill {
    pub fn express(&self) -> f64 {
        self.express_requests + self.express_duration
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Pricing {
    pub transition_price: f64,
    pub free_tier: bool,
    pub basis: RateBasis,
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing {
            transition_price: 0.000025,
            free_tier: false,
            basis: RateBasis::GbHour,
        }
    }
}

/// Prices `executions` runs of `usage` in one month, as Standard and as Express.
pub fn monthly(usage: Usage, executions: f64, pricing: Pricing) -> Bill {
    let total_transitions = usage.transitions * executions;
    let billable = if pricing.free_tier {
        (total_transitions - FREE_TRANSITIONS_PER_MONTH).max(0.0)
    } else {
        total_transitions
    };
    let gbs = gb_seconds(usage.duration_ms, usage.memory_mb) * executions;
    Bill {
        standard: billable * pricing.transition_price,
        express_requests: executions * EXPRESS_PRICE_PER_REQUEST,
        express_duration: express_duration_cost(gbs, pricing.basis),
        billable_transitions: billable,
        gb_seconds: gbs,
    }
}

/// What one execution is billed for, all workflow types together: Standard transitions,
/// Express requests and Express GB-seconds. A Standard parent's Distributed Map children and
/// nested children add their own lines by their own type.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Breakdown {
    /// Billable Standard transitions: states entered + retries of Standard executions, plus
    /// one per Distributed Map child.
    pub transitions: f64,
    /// Express executions started (the parent itself when Express, Express children).
    pub requests: f64,
    /// Express GB-seconds (each execution's billed duration × billed memory).
    pub gb_seconds: f64,
}

impl std::ops::Add for Breakdown {
    type Output = Breakdown;
    fn add(self, o: Breakdown) -> Breakdown {
        Breakdown {
            transitions: self.transitions + o.transitions,
            requests: self.requests + o.requests,
            gb_seconds: self.gb_seconds + o.gb_seconds,
        }
    }
}

/// A month's charges for `executions` runs of one breakdown.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Charges {
    pub billable_transitions: f64,
    pub transitions: f64,
    pub requests: f64,
    pub gb_seconds: f64,
    pub duration: f64,
}

impl Charges {
    pub fn total(&self) -> f64 {
        self.transitions + self.requests + self.duration
    }
}

pub fn charges(b: Breakdown, executions: f64, pricing: Pricing) -> Charges {
    let total = b.transitions * executions;
    let billable = if pricing.free_tier {
        (total - FREE_TRANSITIONS_PER_MONTH).max(0.0)
    } else {
        total
    };
    let gbs = b.gb_seconds * executions;
    Charges {
        billable_transitions: billable,
        transitions: billable * pricing.transition_price,
        requests: b.requests * executions * EXPRESS_PRICE_PER_REQUEST,
        gb_seconds: gbs,
        duration: express_duration_cost(gbs, pricing.basis),
    }
}

/// Distributed Map children's share: one transition per child; Standard children add their own
/// transitions, Express children a request each and their GB-seconds (64 MB each, AWS's
/// minimum: a child's payload is small).
pub fn map_children(
    children: f64,
    express: bool,
    child_transitions: f64,
    child_billed_ms: f64,
) -> Breakdown {
    if express {
        Breakdown {
            transitions: children,
            requests: children,
            gb_seconds: child_billed_ms / 1000.0 * 64.0 / 1024.0,
        }
    } else {
        Breakdown {
            transitions: children + child_transitions,
            ..Breakdown::default()
        }
    }
}

/// Why this execution could not have run as Express although its states could: Express stops
/// an execution at 5 minutes (`States.Timeout`), so a longer one has no Express price.
pub fn express_duration_blocker(ex: &crate::run::Execution) -> Option<String> {
    let limit = crate::run::EXPRESS_MAX_DURATION_MS;
    (ex.duration_ms() > limit).then(|| {
        format!(
            "it ran {}, and Express stops an execution at 5 minutes",
            duration_words(ex.duration_ms())
        )
    })
}

/// A duration over 5 minutes in the largest unit that fits ("3.2 hours").
fn duration_words(ms: i64) -> String {
    let minutes = ms as f64 / 60_000.0;
    let (value, unit) = match minutes {
        m if m >= 525_600.0 => (m / 525_600.0, "years"),
        m if m >= 1_440.0 => (m / 1_440.0, "days"),
        m if m >= 60.0 => (m / 60.0, "hours"),
        m => (m, "minutes"),
    };
    format!("{value:.1} {unit}")
}

/// The bill of one finished execution, priced as `as_type` (its children by their own types).
pub fn breakdown(ex: &crate::run::Execution, as_type: crate::model::WorkflowType) -> Breakdown {
    use crate::model::WorkflowType;
    let mut b = match as_type {
        WorkflowType::Standard => Breakdown {
            transitions: ex.transitions() as f64,
            ..Breakdown::default()
        },
        WorkflowType::Express => Breakdown {
            requests: 1.0,
            gb_seconds: gb_seconds(ex.duration_ms() as f64, execution_memory_mb(ex)),
            ..Breakdown::default()
        },
    };
    for r in ex.map_runs() {
        b = b + map_children(
            r.children as f64,
            r.execution_type == WorkflowType::Express,
            r.child_transitions as f64,
            r.child_billed_ms as f64,
        );
    }
    for n in ex.nested() {
        let child = n.execution.borrow();
        b = b + breakdown(&child, child.config().workflow_type);
    }
    b
}

/// AWS's memory estimate for an execution: its definition, its input, and the number of Map
/// iterations and Parallel branches it ran.
pub fn execution_memory_mb(ex: &crate::run::Execution) -> f64 {
    use crate::run::history::EventKind;
    let steps: usize = ex
        .history()
        .iter()
        .map(|e| match &e.kind {
            EventKind::MapStateStarted { length } => *length,
            EventKind::ParallelStateStarted => 1,
            _ => 0,
        })
        .sum();
    estimate_memory_mb(ex.machine().definition_size, ex.input().json_size(), steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e5_distributed_map_children() {
        let price = |b: Breakdown| {
            charges(
                b,
                1.0,
                Pricing {
                    basis: RateBasis::GbSecond,
                    ..Pricing::default()
                },
            )
            .total()
        };
        // 1,000 Standard children, one Lambda each: $0.05; with 5 inner steps: $0.15.
        assert_eq!(cents(price(map_children(1000.0, false, 1000.0, 0.0))), 5);
        assert_eq!(cents(price(map_children(1000.0, false, 5000.0, 0.0))), 15);
        // 1,000 Express children × 100 s at 64 MB: [derived] exact $0.1302 (the workshop's
        // $0.125 rounds its per-100 ms price); at 30 s: $0.05726.
        let b = map_children(1000.0, true, 0.0, 1000.0 * 100_000.0);
        assert!((price(b) - 0.130_187_5).abs() < 1e-6, "{}", price(b));
        let b = map_children(1000.0, true, 0.0, 1000.0 * 30_000.0);
        assert!((price(b) - 0.057_256_25).abs() < 1e-6, "{}", price(b));
        // The 50M-object batch table: children, child ms, Standard, Express.
        for (children, ms, standard, express) in [
            (500_000.0, 28_000.0, 3750, 2759),
            (250_000.0, 32_000.0, 1875, 1484),
            (125_000.0, 62_000.0, 938, 1133),
            (100_000.0, 74_000.0, 750, 1031),
            (83_333.0, 90_000.0, 625, 998),
            (62_500.0, 120_000.0, 469, 944),
            (50_000.0, 150_000.0, 375, 912),
        ] {
            let s = map_children(children, false, children * 2.0, 0.0);
            let e = map_children(children, true, 0.0, children * ms);
            assert_eq!(cents(price(s)), standard, "standard, {children} children");
            // The table prices 100 ms at 64 MB at $0.0000001042 (the GB-second rate rounded, as
            // in E4); with it every row reproduces to the cent. Unrounded rates differ by at
            // most a cent (the 400 row: $11.32).
            let rounded = children * ms / 100.0 * 0.000_000_104_2
                + e.requests * EXPRESS_PRICE_PER_REQUEST
                + e.transitions * Pricing::default().transition_price;
            assert_eq!(cents(rounded), express, "express, {children} children");
            assert!(
                (cents(price(e)) - express).abs() <= 1,
                "express, {children} children"
            );
        }
    }

    fn cents(x: f64) -> i64 {
        (x * 100.0).round() as i64
    }

    #[test]
    fn e1_memory_estimate() {
        // 50 KB definition, 400 Map steps of 32 KB: 62.85 MB, billed 64 MB.
        let mb = estimate_memory_mb(50_000, 32_000, 400);
        assert!((mb - 62.85).abs() < 1e-9, "{mb}");
        assert_eq!(billed_memory_mb(mb), 64.0);
    }

    #[test]
    fn e2_express_100_million_requests() {
        let usage = Usage {
            transitions: 0.0,
            duration_ms: 10_000.0,
            memory_mb: 64.0,
        };
        let bill = monthly(usage, 100_000_000.0, Pricing::default());
        assert_eq!(cents(bill.express_requests), 10_000);
        assert_eq!(bill.gb_seconds, 62_500_000.0);
        assert_eq!(cents(bill.express_duration), 38_297);
        // With the Price List's GB-second rates: $382.88.
        let bill = monthly(
            usage,
            100_000_000.0,
            Pricing {
                basis: RateBasis::GbSecond,
                ..Pricing::default()
            },
        );
        assert_eq!(cents(bill.express_duration), 38_288);
    }

    #[test]
    fn e3_standard_with_free_tier() {
        let usage = Usage {
            transitions: 4.0,
            ..Usage::default()
        };
        let bill = monthly(
            usage,
            100_000.0,
            Pricing {
                free_tier: true,
                ..Pricing::default()
            },
        );
        assert_eq!(cents(bill.standard), 990);
    }

    #[test]
    fn e4_workshop_nested_express() {
        // Standard: (3 × 1000) × 0.000025 = $0.075, no free tier.
        let bill = monthly(
            Usage {
                transitions: 3.0,
                ..Usage::default()
            },
            1000.0,
            Pricing::default(),
        );
        assert!((bill.standard - 0.075).abs() < 1e-12);
        // Express: 1,000 × 11,300 ms at 64 MB: the workshop's "$0.01". (Its $0.0127746 uses a
        // per-100 ms price rounded to $0.0000001042; unrounded: 706.25 GB-s × $0.00001667 + $0.001 = $0.0127731875.)
        let bill = monthly(
            Usage {
                transitions: 0.0,
                duration_ms: 11_300.0,
                memory_mb: 64.0,
            },
            1000.0,
            Pricing {
                basis: RateBasis::GbSecond,
                ..Pricing::default()
            },
        );
        assert_eq!(cents(bill.express()), 1);
        assert!(
            (bill.express() - 0.012_773_187_5).abs() < 1e-12,
            "{}",
            bill.express()
        );
    }

    #[test]
    fn infracost_tier_cross_checks() {
        let h = |gbh: f64| express_duration_cost(gbh * 3600.0, RateBasis::GbSecond);
        assert_eq!(cents(h(1000.0)), 6_001);
        assert_eq!(cents(h(5000.0)) - cents(h(1000.0)), 11_995);
        // The third tier's own line: 24,687.5 GB-hours beyond the first 5,000.
        assert_eq!(cents(h(5000.0 + 24_687.5)) - cents(h(5000.0)), 40_527);
    }

    #[test]
    fn rounding() {
        assert_eq!(billed_duration_ms(1.0), 100.0);
        assert_eq!(billed_duration_ms(100.0), 100.0);
        assert_eq!(billed_duration_ms(101.0), 200.0);
        assert_eq!(billed_memory_mb(50.0), 64.0);
        assert_eq!(billed_memory_mb(65.0), 128.0);
    }
}
