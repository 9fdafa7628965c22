//! Tổng quan (`/`): each person's first page is their work. What it shows follows from the
//! permissions table and the person's scope, never from a list per role:
//! - bound to units of their own (a commune clerk): each unit's line of the plan against what
//!   is done — received, arranged, hồ sơ described, pages scanned — and its deadline;
//! - assigned fonds (a scanning contractor): those fonds, their lô số hóa, "Lập lô số hóa";
//! - who records (`catalogue.edit`): what waits on them — accessions, fonds in chỉnh lý, danh
//!   mục hủy at a step they record, lô số hóa with pages to scan again;
//! - who decides (`destruction.approve`, `clearance.grant`): the danh mục hủy to decide and the
//!   clearances proposed;
//! - who reads only (no `plan.view`): the search;
//! - bound to the whole province and allowed the plan: the province's figures — each level of
//!   the plan against its target, the units behind the straight line from the plan's start to
//!   their deadline with the reason, the reminder of the annual report as 15/12 approaches.
//!
//! Every figure is counted in SQL under the person's `Visibility`, every list is cut at
//! [`SHORT_LIST`] rows with a link to all of it, and every link leads to a page the role may open.

use crate::AppState;
use crate::auth::Ctx;
use crate::error::PageError;
use crate::pages::{Page, sees_work};
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use kho_model::access::{Action, Permissions};
use kho_model::disposal::Stage;
use kho_model::vn;
use minijinja::{Value, context};

/// Rows of a list on the home page; the rest is one link away.
const SHORT_LIST: i64 = 10;

fn ser<T: serde::Serialize>(value: &T) -> Value {
    Value::from(minijinja::value::Serde(value))
}

fn metres(hundredths: i64) -> String {
    vn::hundredths(hundredths)
}

pub(crate) async fn overview(State(state): State<AppState>, Extension(ctx): Extension<Ctx>) -> Result<Response, PageError> {
    let table = Permissions::shipped();
    let may = |action: Action| table.allows(ctx.actor.role, action);
    let visibility = ctx.actor.visibility();
    let stored = state.store.plan().await?;

    // The units of one's own (a commune's clerk): their line of the plan and what is done.
    let own_units = !ctx.actor.all_units && !ctx.actor.units.is_empty() && may(Action::PlanView);
    let units: Vec<Value> = if own_units {
        let progress = state.store.progress_by_unit(&visibility).await?;
        let mut units = Vec::new();
        for &unit_id in &ctx.actor.units {
            let unit = state.store.unit(unit_id).await?;
            let target = state.store.unit_target(unit_id).await?;
            if target.is_none() && unit.successor_id.is_some() {
                // A commune merged into this one: its records are in scope, its line is its successor's.
                continue;
            }
            let deadline = match (&target, &stored) {
                (Some(t), Some(p)) if t.level == "district" => Some(p.plan.meta.district_deadline.clone()),
                (_, Some(p)) => Some(p.plan.meta.commune_deadline.clone()),
                _ => None,
            };
            let done = progress.get(&unit_id).cloned().unwrap_or_default();
            units.push(context! {
                id => unit_id, name => unit.name,
                target => target.as_ref().map(|t| metres(t.metres.hundredths())),
                secret_target => target.as_ref().filter(|t| !t.secret_metres.is_zero()).map(|t| metres(t.secret_metres.hundredths())),
                received => metres(done.received), arranged => metres(done.arranged), boxes => done.boxes,
                dossiers => done.dossiers, pages_scanned => done.pages_scanned, deadline,
            });
        }
        units
    } else {
        vec![]
    };

    // Assigned fonds (a scanning contractor's) and the batches they hold.
    let contractor = !ctx.actor.fonds.is_empty() && may(Action::Digitize);
    let (assigned, batches) = if contractor {
        let fonds: Vec<Value> = state
            .store
            .list_fonds(&visibility)
            .await?
            .iter()
            .filter(|f| ctx.actor.fonds.contains(&f.id))
            .map(|f| context! { id => f.id, code => f.fields.code.to_string(), name => f.fields.name.clone() })
            .collect();
        let recent = state.store.recent_batches(&visibility, SHORT_LIST).await?;
        let mut rows = Vec::new();
        for batch in &recent.items {
            let progress = state.store.batch_progress(&visibility, batch.id).await?;
            rows.push(context! {
                id => batch.id, name => batch.name.clone(), kind => batch.original_kind.label(),
                dossiers => progress.dossiers, pages => progress.pages, pages_done => progress.pages_done, pages_rescan => progress.pages_rescan,
            });
        }
        (fonds, Some(context! { total => recent.total, rows }))
    } else {
        (vec![], None)
    };

    // What waits on those who record: the archivist's queue.
    let records = may(Action::CatalogueEdit) && (ctx.actor.all_units || !ctx.actor.units.is_empty());
    let queue = if records {
        let accessions = state.store.recent_accessions(&visibility, SHORT_LIST).await?;
        let accessions = context! {
            total => accessions.total,
            rows => accessions.items.iter().map(|a| context! {
                id => a.id, received_on => vn::iso_date(&a.received_on), material => a.material.clone(), metres => a.metres.map(metres),
            }).collect::<Vec<_>>(),
        };
        let arrangement = state.store.fonds_in_arrangement(&visibility, SHORT_LIST).await?;
        let disposal = state.store.disposal_lists_at(&visibility, &[Stage::Proposed, Stage::Reviewed, Stage::Decided], SHORT_LIST).await?;
        let batches =
            if may(Action::Digitize) { Some(ser(&state.store.batches_needing_attention(&visibility, SHORT_LIST).await?)) } else { None };
        Some(context! {
            accessions, arrangement => ser(&arrangement), steps => kho_model::arrangement::STEPS.len(),
            disposal => disposal_rows(&disposal), batches,
        })
    } else {
        None
    };

    // What waits on those who decide.
    let decisions = if may(Action::DestructionApprove) {
        Some(disposal_rows(&state.store.disposal_lists_at(&visibility, &[Stage::Appraised], SHORT_LIST).await?))
    } else {
        None
    };
    let clearances = if may(Action::ClearanceGrant) {
        let proposals = state.store.clearance_proposals().await?;
        let rows: Vec<Value> = proposals
            .iter()
            .take(SHORT_LIST as usize)
            .map(|u| context! { username => u.username.clone(), full_name => u.full_name.clone(), proposed => u.proposed_clearance.map(|c| c.label()) })
            .collect();
        Some(context! { total => proposals.len(), rows })
    } else {
        None
    };

    // The province's figures, for those who see the whole province's plan.
    let province = if ctx.actor.all_units && may(Action::PlanView) {
        match &stored {
            Some(s) => {
                let (levels, at_risk) = plan_progress(&state, &visibility, s).await?;
                let today = crate::reports::today();
                let report_due = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 12, 15).expect("15/12");
                let days_to_report = (report_due - today).num_days();
                Some(context! {
                    plan => ser(&s.plan), totals => ser(&s.plan.computed()), discrepancies => ser(&s.plan.discrepancies()),
                    fonds => state.store.count_fonds(&visibility).await?, dossiers => state.store.count_dossiers(&visibility).await?,
                    levels, at_risk, days_to_report, report_due => report_due.format("%d/%m/%Y").to_string(),
                })
            }
            None => Some(context! { plan => Value::from(()) }),
        }
    } else {
        None
    };

    // Those who only read: the search, and how much they may search.
    let reader = !sees_work(&ctx);
    let searchable = if reader { Some(state.store.count_dossiers(&visibility).await?) } else { None };

    Page::new("overview.html", "tong-quan", "Tổng quan").render(
        &state,
        Some(&ctx),
        context! {
            units, assigned, batches, may_create_batch => may(Action::Digitize), queue, decisions, clearances, province, reader, searchable,
            full_name => ctx.user.as_ref().map(|u| u.full_name.clone()),
        },
    )
}

fn disposal_rows(waiting: &kho_store::Waiting<kho_store::DisposalWaiting>) -> Value {
    context! {
        total => waiting.total,
        rows => waiting.items.iter().map(|l| {
            let next = l.stage.next().map(|s| s.label());
            context! { id => l.id, title => l.title.clone(), stage => l.stage.label(), next, dossiers => l.dossiers }
        }).collect::<Vec<_>>(),
    }
}

/// The plan's first day: progress is measured along a straight line from it to each deadline.
const PLAN_START: (i32, u32, u32) = (2026, 1, 1);

/// Each level of the plan (cấp huyện, cấp xã) against its target — received, arranged, hồ sơ,
/// pages —, and the units whose receiving is behind the straight line from the plan's start to
/// their deadline, most behind first (at most [`SHORT_LIST`]), each with its reason.
async fn plan_progress(
    state: &AppState,
    visibility: &kho_model::access::Visibility,
    stored: &kho_store::StoredPlan,
) -> Result<(Vec<Value>, Vec<Value>), PageError> {
    let today = crate::reports::today();
    let year = chrono::Datelike::year(&today);
    let Some(report) = crate::reports::annual_report(&state.store, visibility, year, None, "", "").await? else {
        return Ok((vec![], vec![]));
    };
    let start = chrono::NaiveDate::from_ymd_opt(PLAN_START.0, PLAN_START.1, PLAN_START.2).expect("plan start");
    let share_due = |deadline: &str| {
        let Ok(end) = chrono::NaiveDate::parse_from_str(deadline, "%Y-%m-%d") else { return 0.0 };
        let (done, all) = ((today - start).num_days().max(0) as f64, (end - start).num_days().max(1) as f64);
        (done / all).clamp(0.0, 1.0)
    };
    let percent = |part: i64, whole: i64| if whole > 0 { format!("{}%", vn::hundredths(part * 10_000 / whole)) } else { "—".into() };
    let meta = &stored.plan.meta;
    let districts = stored.plan.districts.len();
    let (mut levels, mut behind) = (vec![], vec![]);
    for (name, lines, deadline) in [
        ("Cấp huyện", &report.lines[..districts.min(report.lines.len())], &meta.district_deadline),
        ("Cấp xã", &report.lines[districts.min(report.lines.len())..], &meta.commune_deadline),
    ] {
        let sum = |f: fn(&kho_documents::official::ReportLine) -> i64| lines.iter().map(f).sum::<i64>();
        let target: i64 = lines.iter().filter_map(|l| l.target).sum();
        let due = share_due(deadline);
        levels.push(context! {
            name, units => lines.len(), deadline => vn::iso_date(deadline),
            target => metres(target), received => metres(sum(|l| l.received)), received_share => percent(sum(|l| l.received), target),
            arranged => metres(sum(|l| l.arranged)), arranged_share => percent(sum(|l| l.arranged), target),
            dossiers => sum(|l| l.dossiers), pages => sum(|l| l.pages), due_share => format!("{:.0}%", due * 100.0),
        });
        for line in lines {
            let Some(target) = line.target.filter(|t| *t > 0) else { continue };
            let expected = (target as f64 * due) as i64;
            if line.received < expected {
                behind.push((
                    expected - line.received,
                    context! {
                        name => line.name.clone(), level => name, received => metres(line.received), target => metres(target),
                        reason => format!(
                            "đã tiếp nhận {} trên {} m ({}); theo tiến độ đều đến hạn {} cần khoảng {} m ({:.0}%)",
                            metres(line.received), metres(target), percent(line.received, target), vn::iso_date(deadline), metres(expected), due * 100.0
                        ),
                    },
                ));
            }
        }
    }
    behind.sort_by(|a, b| b.0.cmp(&a.0));
    let at_risk = behind.into_iter().take(SHORT_LIST as usize).map(|(_, v)| v).collect();
    Ok((levels, at_risk))
}
