//! The one path to the catalogue for the UI and the API alike: every read of a record by id and
//! every create and edit goes through here, which asks `authorize`, writes the audit trail, and
//! turns input into fields (all field errors at once) before the store writes them.

use crate::AppState;
use crate::auth::Ctx;
use kho_model::access::{Action, Decision, Label, Resource, authorize};
use kho_model::record::{Document, DocumentInput, Dossier, DossierInput, Fonds, FondsInput, Inventory, InventoryInput, Unit, UnitInput};
use kho_model::{Classification, FieldError, Invalid, Mode};
use kho_store::StoreError;

/// Why something did not happen.
#[derive(Debug)]
pub enum Refused {
    /// The input, field by field: show it again with the messages.
    Invalid(Invalid),
    /// Valid, but it collides with a stored record (a duplicate code): 409 in the API.
    Conflict(Invalid),
    /// Absent — or out of scope, or above clearance, which look the same.
    NotFound(&'static str),
    /// The role may not do this.
    Forbidden,
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(error: StoreError) -> Refused {
        match error {
            StoreError::Conflict(field) => Refused::Conflict(Invalid::one(field)),
            StoreError::NotFound(what) => Refused::NotFound(what),
            other => Refused::Store(other),
        }
    }
}

impl From<Invalid> for Refused {
    fn from(invalid: Invalid) -> Refused {
        Refused::Invalid(invalid)
    }
}

/// Asks `authorize`; a denial is written to the audit trail and answered as absent or forbidden.
async fn permit(
    state: &AppState,
    ctx: &Ctx,
    action: Action,
    resource: &Resource,
    kind: &'static str,
    id: Option<i64>,
) -> Result<(), Refused> {
    match authorize(&ctx.actor, action, resource) {
        Decision::Allow => Ok(()),
        decision => {
            state.store.audit(ctx.event(action.code(), kind, id, "denied")).await?;
            Err(if decision == Decision::NotFound { Refused::NotFound(label(kind)) } else { Refused::Forbidden })
        }
    }
}

fn label(kind: &str) -> &'static str {
    match kind {
        "fonds" => "phông",
        "inventory" => "mục lục",
        "dossier" => "hồ sơ",
        "document" => "văn bản",
        "unit" => "đơn vị",
        "batch" => "lô số hóa",
        "rendition" => "bản số hóa",
        _ => "bản ghi",
    }
}

/// Views of restricted (mode 02/03) or classified material are written to the audit trail.
async fn audit_view(
    state: &AppState,
    ctx: &Ctx,
    action: Action,
    kind: &str,
    id: i64,
    classification: Classification,
    mode: Option<Mode>,
) -> Result<(), Refused> {
    let restricted = classification.is_classified() || mode.is_some_and(|m| m != Mode::Public);
    if action == Action::CatalogueView && restricted {
        state.store.audit(ctx.event(&format!("{kind}.view"), kind, Some(id), "ok")).await?;
    }
    Ok(())
}

fn stricter(a: Option<Mode>, b: Option<Mode>) -> Option<Mode> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// A record looked up by id: an absent one is answered — and audited — exactly as a hidden one
/// (`permit` audits those), so neither the answer nor the work behind it tells them apart.
async fn found<T>(
    state: &AppState,
    ctx: &Ctx,
    action: Action,
    kind: &'static str,
    id: i64,
    lookup: Result<T, StoreError>,
) -> Result<T, Refused> {
    match lookup {
        Err(StoreError::NotFound(_)) => {
            // A hidden record costs a read of its fonds' place before its denial; an absent one
            // does the same read (of no fonds), so that the two answer in the same time.
            let _ = state.store.fonds_place(0).await;
            state.store.audit(ctx.event(action.code(), kind, Some(id), "denied")).await?;
            Err(Refused::NotFound(label(kind)))
        }
        other => Ok(other?),
    }
}

/// A fonds the actor may `action`.
pub async fn fonds_for(state: &AppState, ctx: &Ctx, action: Action, id: i64) -> Result<Fonds, Refused> {
    let fonds = found(state, ctx, action, "fonds", id, state.store.fonds(id).await).await?;
    let (place, classification) = state.store.fonds_place(id).await?;
    permit(state, ctx, action, &Resource::Record { place, classification, mode: None }, "fonds", Some(id)).await?;
    audit_view(state, ctx, action, "fonds", id, classification, None).await?;
    Ok(fonds)
}

pub async fn inventory_for(state: &AppState, ctx: &Ctx, action: Action, id: i64) -> Result<(Inventory, Fonds), Refused> {
    let inventory = found(state, ctx, action, "inventory", id, state.store.inventory(id).await).await?;
    let (place, classification) = state.store.fonds_place(inventory.fonds_id).await?;
    permit(state, ctx, action, &Resource::Record { place, classification, mode: None }, "inventory", Some(id)).await?;
    let fonds = state.store.fonds(inventory.fonds_id).await?;
    Ok((inventory, fonds))
}

pub async fn dossier_for(state: &AppState, ctx: &Ctx, action: Action, id: i64) -> Result<(Dossier, Fonds), Refused> {
    let dossier = found(state, ctx, action, "dossier", id, state.store.dossier(id).await).await?;
    let (place, fonds_classification) = state.store.fonds_place(dossier.fonds_id).await?;
    let classification = fonds_classification.max(dossier.fields.classification);
    let mode = Some(dossier.fields.mode);
    permit(state, ctx, action, &Resource::Record { place, classification, mode }, "dossier", Some(id)).await?;
    audit_view(state, ctx, action, "dossier", id, classification, mode).await?;
    let fonds = state.store.fonds(dossier.fonds_id).await?;
    Ok((dossier, fonds))
}

/// Those of a hồ sơ's renditions the actor may see — a PDF/A of a Mật văn bản in a public hồ sơ is
/// as secret as that văn bản, its name included. None for whoever sees content only through a
/// phiếu yêu cầu khai thác (a reader).
pub async fn visible_renditions(state: &AppState, ctx: &Ctx, dossier: &Dossier) -> Result<Vec<kho_store::Rendition>, Refused> {
    if !crate::pages::sees_content(ctx) {
        return Ok(vec![]);
    }
    let (place, labels) = state.store.rendition_labels(dossier).await?;
    Ok(state
        .store
        .renditions(dossier.id)
        .await?
        .into_iter()
        .filter(|r| {
            let label = labels.get(&r.id).copied().unwrap_or_default();
            authorize(&ctx.actor, Action::CatalogueView, &label.on(place.clone())).is_allowed()
        })
        .collect())
}

/// A rendition the actor may download, with its label; a hidden one answers as absent, and every
/// download of restricted material is audited by the caller.
/// A hồ sơ with everything in it — its fonds, itself and every văn bản — for what hands it out
/// whole (a package): whoever may not see all of it finds it absent. Audited as a view.
pub async fn whole_dossier_for(state: &AppState, ctx: &Ctx, action: Action, id: i64) -> Result<(Dossier, Label), Refused> {
    let dossier = found(state, ctx, action, "dossier", id, state.store.dossier(id).await).await?;
    let (place, label) = state.store.whole_dossier_label(&dossier).await?;
    permit(state, ctx, action, &label.on(place), "dossier", Some(id)).await?;
    audit_view(state, ctx, action, "dossier", id, label.classification, label.mode).await?;
    Ok((dossier, label))
}

pub async fn rendition_for(state: &AppState, ctx: &Ctx, id: i64) -> Result<(kho_store::Rendition, Dossier, Label), Refused> {
    let rendition = found(state, ctx, Action::CatalogueView, "rendition", id, state.store.rendition(id).await).await?;
    let dossier = state.store.dossier(rendition.dossier_id).await?;
    let (place, labels) = state.store.rendition_labels(&dossier).await?;
    let label = labels.get(&id).copied().unwrap_or_default();
    permit(state, ctx, Action::CatalogueView, &label.on(place), "rendition", Some(id)).await.map_err(|e| match e {
        Refused::NotFound(_) => Refused::NotFound("bản số hóa"),
        other => other,
    })?;
    Ok((rendition, dossier, label))
}

/// A scanned page the actor may look at, with its label: its fonds, its hồ sơ and the most
/// secret văn bản of the hồ sơ (a page's image and text are as classified as anything they may
/// show). A hidden page answers as an absent one; a restricted one's viewing is audited.
pub async fn scan_page_for(state: &AppState, ctx: &Ctx, id: i64) -> Result<(kho_store::ScanPage, Dossier, Label), Refused> {
    let hidden = |e: Refused| match e {
        Refused::NotFound(_) => Refused::NotFound("trang"),
        other => other,
    };
    let page = found(state, ctx, Action::CatalogueView, "scan_page", id, state.store.scan_page(id).await).await.map_err(hidden)?;
    let dossier = state.store.dossier(page.dossier_id).await?;
    let (place, record) = state.store.dossier_label(&dossier).await?;
    let (documents, documents_mode) = state.store.documents_label(dossier.id).await?;
    let label = Label::derived([record, Label::new(documents, documents_mode)]);
    permit(state, ctx, Action::CatalogueView, &label.on(place), "scan_page", Some(id)).await.map_err(hidden)?;
    audit_view(state, ctx, Action::CatalogueView, "scan_page", id, label.classification, label.mode).await?;
    Ok((page, dossier, label))
}

pub async fn document_for(state: &AppState, ctx: &Ctx, action: Action, id: i64) -> Result<(Document, Dossier), Refused> {
    let document = found(state, ctx, action, "document", id, state.store.document(id).await).await?;
    let dossier = state.store.dossier(document.dossier_id).await?;
    let (place, fonds_classification) = state.store.fonds_place(dossier.fonds_id).await?;
    let classification = fonds_classification.max(dossier.fields.classification).max(document.fields.classification);
    let mode = stricter(Some(dossier.fields.mode), Some(document.fields.mode));
    permit(state, ctx, action, &Resource::Record { place, classification, mode }, "document", Some(id)).await?;
    audit_view(state, ctx, action, "document", id, classification, mode).await?;
    Ok((document, dossier))
}

/// A record that holds content (scans, renditions, files) is not raised above "none": on the
/// ordinary server that content would be classified material on a machine reachable from
/// outside; in the enclave it was stored unsealed. The person is told what to do instead.
async fn no_content_raised(
    state: &AppState,
    before: Classification,
    after: Classification,
    fonds_id: Option<i64>,
    dossier_id: Option<i64>,
) -> Result<(), Refused> {
    if after.level() <= before.level() || !after.is_classified() || !state.store.holds_content(fonds_id, dossier_id).await? {
        return Ok(());
    }
    let message = if state.config.enclave {
        "Độ mật: hồ sơ đã có tệp lưu chưa niêm phong; hãy xuất các tệp, xóa khỏi hồ sơ, đổi độ mật rồi tải lại để Kho niêm phong."
    } else {
        "Độ mật: hồ sơ đã có tệp (bản quét, bản số hóa, tệp đính kèm) trên máy chủ thường; tài liệu mật chỉ được lưu trên hệ thống mạng LAN độc lập. Hãy chuyển hồ sơ sang hệ thống đó rồi ghi độ mật ở đó."
    };
    Err(Refused::Invalid(Invalid::one(FieldError::new("classification", "holds_content", message))))
}

/// Nobody records what they themselves could not see.
fn within_clearance(ctx: &Ctx, classification: Classification) -> Result<(), Refused> {
    if classification.level() > ctx.actor.clearance.level() {
        return Err(Refused::Invalid(Invalid::one(FieldError::new(
            "classification",
            "above_clearance",
            format!("Độ mật: bạn chỉ được tiếp cận tài liệu đến mức “{}”.", ctx.actor.clearance.label()),
        ))));
    }
    Ok(())
}

/// Writes the outcome of a change to the audit trail and passes the result on.
/// Writes are audited inside their own transaction ([`audit_as`]); here the refusals and failures
/// are recorded, which leave nothing to be atomic with.
async fn audited(
    state: &AppState,
    ctx: &Ctx,
    action: &str,
    kind: &str,
    id: Option<i64>,
    result: Result<i64, Refused>,
) -> Result<i64, Refused> {
    let (outcome, detail) = match &result {
        Ok(_) => return result,
        Err(Refused::Invalid(i) | Refused::Conflict(i)) => {
            ("refused", Some(i.errors.iter().map(|e| format!("{}:{}", e.field, e.code)).collect::<Vec<_>>().join(",")))
        }
        // Denials were written by `permit`.
        Err(Refused::NotFound(_) | Refused::Forbidden) => return result,
        Err(Refused::Store(_)) => ("failed", None),
    };
    let mut event = ctx.event(action, kind, id, outcome);
    event.detail = detail;
    state.store.audit(event).await?;
    result
}

/// The store whose next write appends its "ok" entry in the same transaction: a change never
/// lands without its entry (a kill between the two once left records unaudited).
fn audit_as(state: &AppState, ctx: &Ctx, action: &str, kind: &str, id: Option<i64>, detail: Option<String>) -> kho_store::Store {
    let mut event = ctx.event(action, kind, id, "ok");
    event.detail = detail;
    state.store.audited(event)
}

pub async fn create_fonds(state: &AppState, ctx: &Ctx, input: &FondsInput) -> Result<i64, Refused> {
    let result = async {
        let fields = input.parse()?;
        permit(state, ctx, Action::CatalogueEdit, &Resource::Unit { unit_id: fields.unit_id }, "unit", Some(fields.unit_id))
            .await
            .map_err(|e| match e {
                Refused::NotFound(_) => Refused::Invalid(Invalid::one(FieldError::new(
                    "unitId",
                    "unit_out_of_scope",
                    "Đơn vị hình thành phông: bạn không được làm việc với đơn vị này.",
                ))),
                other => other,
            })?;
        within_clearance(ctx, fields.classification)?;
        Ok(audit_as(state, ctx, "fonds.create", "fonds", None, None).create_fonds(&fields).await?)
    }
    .await;
    audited(state, ctx, "fonds.create", "fonds", None, result).await
}

pub async fn update_fonds(state: &AppState, ctx: &Ctx, id: i64, input: &FondsInput) -> Result<i64, Refused> {
    let before = fonds_for(state, ctx, Action::CatalogueEdit, id).await?;
    let result = async {
        let fields = input.parse()?;
        permit(state, ctx, Action::CatalogueEdit, &Resource::Unit { unit_id: fields.unit_id }, "unit", Some(fields.unit_id)).await?;
        within_clearance(ctx, fields.classification)?;
        no_content_raised(state, before.fields.classification, fields.classification, Some(id), None).await?;
        audit_as(state, ctx, "fonds.update", "fonds", Some(id), None).update_fonds(id, &fields).await?;
        Ok(id)
    }
    .await;
    audited(state, ctx, "fonds.update", "fonds", Some(id), result).await
}

pub async fn create_inventory(state: &AppState, ctx: &Ctx, fonds_id: i64, input: &InventoryInput) -> Result<i64, Refused> {
    fonds_for(state, ctx, Action::CatalogueEdit, fonds_id).await?;
    let result =
        async { Ok(audit_as(state, ctx, "inventory.create", "inventory", None, None).create_inventory(fonds_id, &input.parse()?).await?) }
            .await;
    audited(state, ctx, "inventory.create", "inventory", None, result).await
}

pub async fn update_inventory(state: &AppState, ctx: &Ctx, id: i64, input: &InventoryInput) -> Result<i64, Refused> {
    inventory_for(state, ctx, Action::CatalogueEdit, id).await?;
    let result = async {
        audit_as(state, ctx, "inventory.update", "inventory", Some(id), None).update_inventory(id, &input.parse()?).await?;
        Ok(id)
    }
    .await;
    audited(state, ctx, "inventory.update", "inventory", Some(id), result).await
}

pub async fn create_dossier(state: &AppState, ctx: &Ctx, inventory_id: i64, input: &DossierInput) -> Result<i64, Refused> {
    inventory_for(state, ctx, Action::CatalogueEdit, inventory_id).await?;
    let result = async {
        let (_, _, context) = state.store.dossier_context(inventory_id).await?;
        let fields = input.parse(&context)?;
        within_clearance(ctx, fields.classification)?;
        Ok(audit_as(state, ctx, "dossier.create", "dossier", None, None).create_dossier(inventory_id, &fields).await?)
    }
    .await;
    audited(state, ctx, "dossier.create", "dossier", None, result).await
}

pub async fn update_dossier(state: &AppState, ctx: &Ctx, id: i64, input: &DossierInput) -> Result<i64, Refused> {
    let (dossier, _) = dossier_for(state, ctx, Action::CatalogueEdit, id).await?;
    let result = async {
        let (_, _, context) = state.store.dossier_context(dossier.inventory_id).await?;
        let fields = input.parse(&context)?;
        within_clearance(ctx, fields.classification)?;
        no_content_raised(state, dossier.fields.classification, fields.classification, None, Some(id)).await?;
        audit_as(state, ctx, "dossier.update", "dossier", Some(id), None).update_dossier(id, &fields).await?;
        Ok(id)
    }
    .await;
    audited(state, ctx, "dossier.update", "dossier", Some(id), result).await
}

pub async fn create_document(state: &AppState, ctx: &Ctx, dossier_id: i64, input: &DocumentInput) -> Result<i64, Refused> {
    dossier_for(state, ctx, Action::CatalogueEdit, dossier_id).await?;
    let result = async {
        let fields = input.parse()?;
        within_clearance(ctx, fields.classification)?;
        no_content_raised(state, Classification::None, fields.classification, None, Some(dossier_id)).await?;
        Ok(audit_as(state, ctx, "document.create", "document", None, None).create_document(dossier_id, &fields).await?)
    }
    .await;
    audited(state, ctx, "document.create", "document", None, result).await
}

pub async fn update_document(state: &AppState, ctx: &Ctx, id: i64, input: &DocumentInput) -> Result<i64, Refused> {
    let (document, dossier) = document_for(state, ctx, Action::CatalogueEdit, id).await?;
    let result = async {
        let fields = input.parse()?;
        within_clearance(ctx, fields.classification)?;
        no_content_raised(state, document.fields.classification, fields.classification, None, Some(dossier.id)).await?;
        audit_as(state, ctx, "document.update", "document", Some(id), None).update_document(id, &fields).await?;
        Ok(id)
    }
    .await;
    audited(state, ctx, "document.update", "document", Some(id), result).await
}

/// A unit the actor may describe (scope: their own units, or all from the province archive).
pub async fn unit_for(state: &AppState, ctx: &Ctx, action: Action, id: i64) -> Result<Unit, Refused> {
    let unit = state.store.unit(id).await?;
    permit(state, ctx, action, &Resource::Unit { unit_id: id }, "unit", Some(id)).await?;
    Ok(unit)
}

/// A unit that no longer exists — a commune merged away or a district dissolved in 2025 — so
/// that its records can form a fonds of their own. Its successor must be a unit the person works
/// for (its records come into that unit's scope), and it can never be an archive.
pub async fn create_unit(state: &AppState, ctx: &Ctx, input: &UnitInput) -> Result<i64, Refused> {
    let result = async {
        let unit = input.parse(0)?;
        let mut problems = vec![];
        if unit.kind == kho_model::UnitKind::ProvinceArchive {
            problems.push(FieldError::new(
                "kind",
                "not_predecessor",
                "Loại đơn vị: đơn vị thêm ở đây là đơn vị đã giải thể hoặc sáp nhập, không phải lưu trữ.",
            ));
        }
        if unit.dissolved_on.is_none() {
            problems.push(FieldError::new(
                "dissolvedOn",
                "required",
                "Ngày giải thể: bắt buộc nhập (ngày sắp xếp, sáp nhập hoặc giải thể).",
            ));
        }
        match unit.successor_id {
            None => problems.push(FieldError::new("successorId", "required", "Đơn vị kế thừa: bắt buộc chọn (đơn vị tiếp nhận tài liệu).")),
            Some(successor) => {
                if !authorize(&ctx.actor, Action::UnitsEdit, &Resource::Unit { unit_id: successor }).is_allowed() {
                    problems.push(FieldError::new(
                        "successorId",
                        "unit_out_of_scope",
                        "Đơn vị kế thừa: chỉ chọn được đơn vị bạn đang làm việc.",
                    ));
                }
            }
        }
        if !problems.is_empty() {
            return Err(Refused::Invalid(Invalid { errors: problems }));
        }
        let detail =
            Some(format!("“{}”, giải thể {}, kế thừa {:?}", unit.name, unit.dissolved_on.clone().unwrap_or_default(), unit.successor_id));
        Ok(audit_as(state, ctx, "unit.create", "unit", None, detail).create_unit(&unit).await?)
    }
    .await;
    audited(state, ctx, "unit.create", "unit", None, result).await
}

/// A unit's kind decides scope (an account bound to the province archive sees every unit), so
/// changing it is the administrator's alone (`units.scope`); every change is audited before → after.
/// Records work done outside Kho for unit `id`, by whoever may record for it (to anyone else the
/// unit is absent); checked field by field and audited. The new entry's id.
pub async fn add_outside_work(state: &AppState, ctx: &Ctx, id: i64, input: &kho_model::plan::OutsideWorkInput) -> Result<i64, Refused> {
    state.store.unit(id).await?;
    if !authorize(&ctx.actor, Action::CatalogueEdit, &Resource::Unit { unit_id: id }).is_allowed() {
        return Err(Refused::NotFound("đơn vị"));
    }
    let work = input.parse()?;
    Ok(state.store.audited(ctx.event("outside_work.add", "unit", Some(id), "ok")).add_outside_work(id, &work, &ctx.actor.name).await?)
}

pub async fn update_unit(state: &AppState, ctx: &Ctx, id: i64, input: &UnitInput) -> Result<i64, Refused> {
    let before = unit_for(state, ctx, Action::UnitsEdit, id).await?;
    let result = async {
        let after = input.parse(id)?;
        if after.kind != before.kind && !authorize(&ctx.actor, Action::UnitsScope, &Resource::Unit { unit_id: id }).is_allowed() {
            return Err(Refused::Invalid(Invalid::one(FieldError::new(
                "kind",
                "scope_field",
                "Loại đơn vị quyết định phạm vi truy cập của mọi tài khoản gắn với đơn vị; chỉ quản trị hệ thống được đổi.",
            ))));
        }
        if after.successor_id != before.successor_id
            && !authorize(&ctx.actor, Action::UnitsScope, &Resource::Unit { unit_id: id }).is_allowed()
        {
            return Err(Refused::Invalid(Invalid::one(FieldError::new(
                "successorId",
                "scope_field",
                "Đơn vị kế thừa quản lý tài liệu của đơn vị này (phạm vi truy cập); chỉ quản trị hệ thống được đổi.",
            ))));
        }
        let was = |v: &Option<String>| v.clone().unwrap_or_default();
        let changed = Some(format!(
            "tên “{}” → “{}”; loại {} → {}; mã định danh {} → {}; mã cũ {} → {}; mã mới {} → {}; giải thể {} → {}; kế thừa {:?} → {:?}",
            before.name,
            after.name,
            before.kind.code(),
            after.kind.code(),
            was(&before.agency_code.as_ref().map(|c| c.to_string())),
            was(&after.agency_code.as_ref().map(|c| c.to_string())),
            was(&before.old_admin_code),
            was(&after.old_admin_code),
            was(&before.new_admin_code),
            was(&after.new_admin_code),
            was(&before.dissolved_on),
            was(&after.dissolved_on),
            before.successor_id,
            after.successor_id
        ));
        audit_as(state, ctx, "unit.update", "unit", Some(id), changed).update_unit(id, &after).await?;
        Ok(id)
    }
    .await;
    audited(state, ctx, "unit.update", "unit", Some(id), result).await
}

/// Is either party of an accession in the actor's scope? (A clerk hands over; the archive receives.)
fn accession_decision(ctx: &Ctx, action: Action, giving: i64, receiving: i64) -> Decision {
    let giving = authorize(&ctx.actor, action, &Resource::Unit { unit_id: giving });
    if giving.is_allowed() { giving } else { authorize(&ctx.actor, action, &Resource::Unit { unit_id: receiving }) }
}

/// A lô số hóa the person may act on: its unit in scope, or — for a scanning contractor, bound to
/// fonds rather than units — every fonds of its hồ sơ assigned to them.
pub async fn batch_for(state: &AppState, ctx: &Ctx, action: Action, id: i64) -> Result<kho_store::Batch, Refused> {
    let batch = state.store.batch(id).await?;
    if batch_decision(state, ctx, action, &batch).await? == Decision::Allow {
        return Ok(batch);
    }
    permit(state, ctx, action, &Resource::Unit { unit_id: batch.unit_id }, "batch", Some(id)).await?;
    Ok(batch)
}

/// Whether the actor may do `action` on a batch: by its unit, or — for a contractor's staff,
/// who hold fonds, not units — by every fonds its hồ sơ come from. Decides only: the caller
/// records a refusal, or (a page deciding what to offer) does not.
pub async fn batch_decision(state: &AppState, ctx: &Ctx, action: Action, batch: &kho_store::Batch) -> Result<Decision, Refused> {
    let by_unit = authorize(&ctx.actor, action, &Resource::Unit { unit_id: batch.unit_id });
    if by_unit != Decision::NotFound || ctx.actor.fonds.is_empty() {
        return Ok(by_unit);
    }
    let fonds = state.store.batch_fonds(batch.id).await?;
    if fonds.is_empty() {
        return Ok(Decision::NotFound);
    }
    for fonds_id in fonds {
        let (place, classification) = state.store.fonds_place(fonds_id).await?;
        let each = authorize(&ctx.actor, action, &Resource::Record { place, classification, mode: None });
        if each != Decision::Allow {
            return Ok(each);
        }
    }
    Ok(Decision::Allow)
}

pub async fn accession_for(state: &AppState, ctx: &Ctx, action: Action, id: i64) -> Result<kho_model::accession::Accession, Refused> {
    let accession = state.store.accession(id).await?;
    match accession_decision(ctx, action, accession.fields.giving_unit_id, accession.fields.receiving_unit_id) {
        Decision::Allow => Ok(accession),
        decision => {
            state.store.audit(ctx.event(action.code(), "accession", Some(id), "denied")).await?;
            Err(if decision == Decision::NotFound { Refused::NotFound("biên bản giao nhận") } else { Refused::Forbidden })
        }
    }
}

pub async fn create_accession(state: &AppState, ctx: &Ctx, input: &kho_model::accession::AccessionInput) -> Result<i64, Refused> {
    let result = async {
        let fields = input.parse()?;
        if !accession_decision(ctx, Action::CatalogueEdit, fields.giving_unit_id, fields.receiving_unit_id).is_allowed() {
            return Err(Refused::Invalid(Invalid::one(FieldError::new(
                "givingUnitId",
                "unit_out_of_scope",
                "Bên giao: bạn không được làm việc với đơn vị này.",
            ))));
        }
        Ok(audit_as(state, ctx, "accession.create", "accession", None, None).create_accession(&fields, &ctx.actor.name).await?)
    }
    .await;
    audited(state, ctx, "accession.create", "accession", None, result).await
}
