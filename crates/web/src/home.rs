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
use crate::charts::{Quantity, burn_up};
use crate::error::PageError;
use crate::pages::{Page, sees_work};
use axum::Extension;
use axum::extract::State;
use axum::response::Response;
use kho_model::access::{Action, Permissions};
use kho_model::cost::Norm;
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

    // Phiếu yêu cầu khai thác: those waiting on a Lãnh đạo, a reader's own.
    let access_waiting = if may(Action::AccessApprove) {
        let (lines, total) = state.store.access_requests(&kho_store::AccessFilter::Pending(&visibility), None, SHORT_LIST).await?;
        let rows: Vec<Value> =
            lines.iter().map(|l| context! { id => l.id, reader => l.reader_name.clone(), pending => l.pending }).collect();
        Some(context! { total, rows })
    } else {
        None
    };
    let my_requests = match (may(Action::AccessRequest), ctx.actor.user_id) {
        (true, Some(user)) => {
            let (lines, total) = state.store.access_requests(&kho_store::AccessFilter::Reader(user), None, SHORT_LIST).await?;
            let rows: Vec<Value> = lines
                .iter()
                .map(|l| context! { id => l.id, submitted => kho_model::vn::moment(&l.submitted_at), pending => l.pending, granted => l.granted, refused => l.refused })
                .collect();
            Some(context! { total, rows })
        }
        _ => None,
    };

    // The province's figures, for those who see the whole province's plan.
    let province = if ctx.actor.all_units && may(Action::PlanView) {
        match &stored {
            Some(s) => {
                let (levels, at_risk, every_unit) = plan_progress(&state, &visibility, s).await?;
                let tasks = next_tasks(&s.plan.tasks, crate::reports::today());
                Some(context! {
                    plan => ser(&s.plan), totals => ser(&s.plan.computed()), discrepancies => ser(&s.plan.discrepancies()),
                    fonds => state.store.count_fonds(&visibility).await?, dossiers => state.store.count_dossiers(&visibility).await?,
                    levels, at_risk, every_unit, tasks, reminder => crate::reports::report_reminder(),
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
            access_waiting, my_requests,
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
/// pages —; the units whose receiving is behind the straight line from the plan's start to their
/// deadline, most behind first (at most [`SHORT_LIST`]), each with its reason; and every unit of
/// the plan (the plan's 55 lines, bounded by the plan, not the holdings) with its share, stage and
/// whether it is behind.
async fn plan_progress(
    state: &AppState,
    visibility: &kho_model::access::Visibility,
    stored: &kho_store::StoredPlan,
) -> Result<(Vec<Value>, Vec<Value>, Vec<Value>), PageError> {
    let today = crate::reports::today();
    let year = chrono::Datelike::year(&today);
    let Some(report) = crate::reports::annual_report(&state.store, visibility, year, None, "", "").await? else {
        return Ok((vec![], vec![], vec![]));
    };
    let start = chrono::NaiveDate::from_ymd_opt(PLAN_START.0, PLAN_START.1, PLAN_START.2).expect("plan start");
    let share_due = |deadline: &str| {
        let Ok(end) = chrono::NaiveDate::parse_from_str(deadline, "%Y-%m-%d") else { return 0.0 };
        let (done, all) = ((today - start).num_days().max(0) as f64, (end - start).num_days().max(1) as f64);
        (done / all).clamp(0.0, 1.0)
    };
    let meta = &stored.plan.meta;
    let districts = stored.plan.districts.len();
    let received_by_month = state.store.received_by_month(visibility).await?;
    let arranged_by_month = state.store.arranged_by_month(visibility).await?;
    let described_by_month = state.store.described_by_month(visibility).await?;
    let signed_by_month = state.store.signed_by_month(visibility).await?;
    let handed_over_by_month = state.store.handed_over_by_month(visibility).await?;
    let norms = state.store.norms().await?;
    let (mut levels, mut behind, mut every) = (vec![], vec![], vec![]);
    for (name, lines, deadline, plan_units, district_level) in [
        ("Cấp huyện", &report.lines[..districts.min(report.lines.len())], &meta.district_deadline, &stored.district_units, true),
        ("Cấp xã", &report.lines[districts.min(report.lines.len())..], &meta.commune_deadline, &stored.commune_units, false),
    ] {
        let sum = |f: fn(&kho_documents::official::ReportLine) -> i64| lines.iter().map(f).sum::<i64>();
        let target: i64 = lines.iter().filter_map(|l| l.target).sum();
        let due = share_due(deadline);
        // The level's units, and those merged into them, month by month: what was received,
        // arranged, hồ sơ described and pages signed, against the plan's metres and what the
        // norms make of them.
        let mut units: std::collections::BTreeSet<i64> = plan_units.iter().copied().collect();
        units.extend(state.store.predecessors(&units).await?);
        let months = crate::charts::cumulative(&received_by_month, &units);
        let end = chrono::NaiveDate::parse_from_str(deadline, "%Y-%m-%d").unwrap_or(today);
        let level = name.to_lowercase();
        let metres_kept = target as f64 / 100.0 * norms.value(Norm::KeptShare) as f64 / 100_000.0;
        let per_metre = |norm: Norm| (metres_kept * norms.value(norm) as f64 / 1000.0).round() as i64;
        let mut charts = vec![(
            format!(
                "Tiếp nhận tài liệu {level}: đường liền là mét giá đã tiếp nhận, đường đứt là tiến độ đều đến hạn {}.",
                vn::iso_date(deadline)
            ),
            burn_up(&format!("Tiếp nhận tài liệu {level}"), Quantity::Metres, &months, start, end, target, today),
        )];
        let kept = (metres_kept * 100.0).round() as i64;
        charts.push((
            format!(
                "Chỉnh lý {level}: mét giá đã chỉnh lý (theo độ dày hộp đã xếp), so với khoảng {} m còn lại sau chỉnh lý ({} % kế hoạch, theo định mức).",
                vn::hundredths(kept),
                kho_model::cost::milli_text(norms.value(Norm::KeptShare))
            ),
            burn_up(
                &format!("Chỉnh lý {level}"),
                Quantity::Metres,
                &crate::charts::cumulative(&arranged_by_month, &units),
                start,
                end,
                kept,
                today,
            ),
        ));
        for (stage, done, things, rows, norm) in [
            ("Biên mục hồ sơ", "hồ sơ đã biên mục", "hồ sơ", &described_by_month, Norm::DossiersPerMetre),
            ("Số hóa", "trang đã ký số", "trang", &signed_by_month, Norm::PagesPerMetre),
        ] {
            let caption = format!(
                "{stage} {level}: {done}, so với khoảng {} {things} theo định mức ({} {things} mỗi mét, phần còn lại sau chỉnh lý).",
                vn::integer(per_metre(norm)),
                kho_model::cost::milli_text(norms.value(norm))
            );
            let series = crate::charts::cumulative(rows, &units);
            let chart = burn_up(&format!("{stage} {level}"), Quantity::Count(things), &series, start, end, per_metre(norm), today);
            charts.push((caption, chart));
        }
        // The communes hand their permanent hồ sơ to the archive; the districts' are there already.
        if !district_level {
            let permanent =
                (per_metre(Norm::DossiersPerMetre) as f64 * norms.value(Norm::PermanentShare) as f64 / 100_000.0).round() as i64;
            let caption = format!(
                "Bàn giao {level}: hồ sơ đã nhận vào lưu trữ lịch sử qua gói bàn giao, so với khoảng {} hồ sơ bảo quản vĩnh viễn theo định mức ({} % số hồ sơ).",
                vn::integer(permanent),
                kho_model::cost::milli_text(norms.value(Norm::PermanentShare))
            );
            let series = crate::charts::cumulative(&handed_over_by_month, &units);
            charts.push((caption, burn_up(&format!("Bàn giao {level}"), Quantity::Count("hồ sơ"), &series, start, end, permanent, today)));
        }
        let charts: Vec<Value> =
            charts.into_iter().map(|(caption, svg)| context! { caption, svg => Value::from_safe_string(svg) }).collect();
        let received = sum(|l| l.received);
        levels.push(context! {
            name, units => lines.len(), deadline => vn::iso_date(deadline),
            target => metres(target), received => metres(received), received_share => vn::percent(received, target),
            arranged => metres(sum(|l| l.arranged)), arranged_share => vn::percent(sum(|l| l.arranged), target),
            dossiers => sum(|l| l.dossiers), pages => sum(|l| l.pages), due_share => format!("{:.0}%", due * 100.0),
            charts, forecast => forecast(&months, received, target, today),
        });
        for line in lines {
            let Some(target) = line.target.filter(|t| *t > 0) else { continue };
            let expected = (target as f64 * due) as i64;
            every.push(context! {
                name => line.name.clone(), level => name, target => metres(target), received => metres(line.received),
                received_share => vn::percent(line.received, target), arranged => metres(line.arranged), pages => line.pages,
                stage => stage_of(line), behind => line.received < expected,
            });
            if line.received < expected {
                behind.push((
                    expected - line.received,
                    context! {
                        name => line.name.clone(), level => name, received => metres(line.received), target => metres(target),
                        reason => format!(
                            "đã tiếp nhận {} trên {} m ({}); theo tiến độ đều đến hạn {} cần khoảng {} m ({:.0}%)",
                            metres(line.received), metres(target), vn::percent(line.received, target), vn::iso_date(deadline), metres(expected), due * 100.0
                        ),
                    },
                ));
            }
        }
    }
    behind.sort_by_key(|b| std::cmp::Reverse(b.0));
    let at_risk = behind.into_iter().take(SHORT_LIST as usize).map(|(_, v)| v).collect();
    Ok((levels, at_risk, every))
}

/// The furthest stage a unit's work has reached, as its figures show.
fn stage_of(line: &kho_documents::official::ReportLine) -> &'static str {
    if line.packages > 0 {
        "Bàn giao"
    } else if line.pages > 0 {
        "Số hóa"
    } else if line.arranged > 0 || line.dossiers > 0 {
        "Chỉnh lý"
    } else if line.received > 0 {
        "Tiếp nhận"
    } else {
        "Chưa bắt đầu"
    }
}

/// The days over which throughput is measured for a forecast.
const FORECAST_WINDOW_DAYS: i64 = 180;

/// When receiving would be complete at the pace of the last [`FORECAST_WINDOW_DAYS`] days, and how
/// that was computed; or why there is no forecast.
fn forecast(months: &[(chrono::NaiveDate, i64)], received: i64, target: i64, today: chrono::NaiveDate) -> String {
    if received >= target {
        return "Đã tiếp nhận đủ theo kế hoạch.".into();
    }
    let since = today - chrono::Days::new(FORECAST_WINDOW_DAYS as u64);
    let before = months.iter().take_while(|(m, _)| *m < since).last().map(|(_, t)| *t).unwrap_or(0);
    let recent = months.last().map(|(_, t)| *t).unwrap_or(0) - before;
    if recent <= 0 {
        return format!("Chưa dự báo được: không tiếp nhận thêm tài liệu nào trong {FORECAST_WINDOW_DAYS} ngày gần nhất.");
    }
    let per_day = recent as f64 / FORECAST_WINDOW_DAYS as f64;
    let days = ((target - received) as f64 / per_day).ceil() as u64;
    let done = today.checked_add_days(chrono::Days::new(days.min(365 * 200))).unwrap_or(today);
    format!(
        "Dự báo tiếp nhận xong ngày {} — theo tốc độ {} ngày gần nhất ({} m, tức {} m mỗi tháng), phần còn lại {} m.",
        done.format("%d/%m/%Y"),
        FORECAST_WINDOW_DAYS,
        metres(recent),
        metres((per_day * 30.0).round() as i64),
        metres(target - received)
    )
}

/// The tasks of Phụ lục III still open, by their next due date — a yearly task's next 15/12 (or
/// anniversary) within its period, another's own deadline —, the nearest first, at most
/// [`SHORT_LIST`].
fn next_tasks(tasks: &[kho_model::plan::Task], today: chrono::NaiveDate) -> Vec<Value> {
    use chrono::Datelike;
    use kho_model::plan::Recurrence;
    let mut open: Vec<(chrono::NaiveDate, Value)> = vec![];
    for task in tasks {
        let Ok(last) = chrono::NaiveDate::parse_from_str(&task.due_on, "%Y-%m-%d") else { continue };
        if last < today {
            continue;
        }
        let yearly = |month: u32, day: u32| {
            let this = chrono::NaiveDate::from_ymd_opt(today.year(), month, day)?;
            let next = if this >= today { this } else { chrono::NaiveDate::from_ymd_opt(today.year() + 1, month, day)? };
            Some(next.min(last))
        };
        let next = match task.recurrence {
            Some(Recurrence::YearlyBy15December) => yearly(12, 15),
            Some(Recurrence::Yearly) => yearly(last.month(), last.day()),
            _ => Some(last),
        }
        .unwrap_or(last);
        open.push((
            next,
            context! {
                title => task.title.clone(), owner => task.owner.clone(), group => task.group.label(),
                next => next.format("%d/%m/%Y").to_string(), days => (next - today).num_days(),
                recurrence => task.recurrence.map(|r| r.label()),
            },
        ));
    }
    open.sort_by_key(|(next, _)| *next);
    open.into_iter().take(SHORT_LIST as usize).map(|(_, v)| v).collect()
}
