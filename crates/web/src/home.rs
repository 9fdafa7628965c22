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
//! - bound to the whole province and allowed the plan: the province's figures.
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
            Some(s) => Some(context! {
                plan => ser(&s.plan), totals => ser(&s.plan.computed()), discrepancies => ser(&s.plan.discrepancies()),
                fonds => state.store.count_fonds(&visibility).await?, dossiers => state.store.count_dossiers(&visibility).await?,
            }),
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
