//! Who may do what to which record: the one decision point, [`authorize`].
//!
//! Three rules, applied in order:
//! 1. **Role**: the role × action table in `policy/permissions.csv` (data, in the repository).
//! 2. **Scope**: a record belongs to a fonds; the actor sees it when bound to the fonds' creating
//!    or custodian unit, to the province archive (which sees every unit), or assigned the fonds.
//! 3. **Clearance**: a record classified above the actor's clearance does not exist for them; a
//!    reader sees only records in public use (mode 01).
//!
//! Out of scope and uncleared both answer [`Decision::NotFound`], so a guessed id reveals nothing.
//! List and count queries apply the same rules inside SQL through [`Visibility`], built here.

use crate::codes::{Classification, Mode};
use serde::Serialize;
use std::collections::BTreeSet;

/// The permissions table, embedded at build time.
const PERMISSIONS_CSV: &str = include_str!("../../../policy/permissions.csv");

crate::codes::code_list! {
    /// What a person does in Kho.
    Role {
        Admin = "quan_tri": "Quản trị hệ thống",
        Leader = "lanh_dao": "Lãnh đạo",
        Archivist = "luu_tru_vien": "Lưu trữ viên",
        Contractor = "nhan_vien_so_hoa": "Nhân viên số hóa / đơn vị thuê",
        Reader = "doc_gia": "Độc giả",
    }
}

crate::codes::code_list! {
    /// Everything that is authorised. Each route and command names one.
    Action {
        PlanView = "plan.view": "Xem kế hoạch",
        PlanImport = "plan.import": "Nạp kế hoạch",
        CatalogueView = "catalogue.view": "Xem phông, mục lục, hồ sơ, văn bản",
        ContentView = "content.view": "Xem ảnh trang, chữ nhận dạng, bản PDF/A ngoài phiếu khai thác",
        CatalogueEdit = "catalogue.edit": "Thêm, sửa phông, mục lục, hồ sơ, văn bản",
        UnitsEdit = "units.edit": "Sửa thông tin đơn vị",
        UnitsScope = "units.scope": "Đổi loại đơn vị (quyết định phạm vi truy cập)",
        UsersManage = "users.manage": "Quản lý tài khoản",
        ClearanceGrant = "clearance.grant": "Cấp độ mật được tiếp cận",
        TokensManage = "tokens.manage": "Quản lý mã truy cập API",
        RetentionManage = "retention.manage": "Nạp bảng thời hạn bảo quản",
        AuditView = "audit.view": "Xem nhật ký hệ thống",
        DestructionApprove = "destruction.approve": "Quyết định hủy tài liệu",
        Digitize = "digitize": "Số hóa: lập lô, nhận tệp quét, đổi thứ tự ưu tiên",
        AccessRequest = "access.request": "Lập phiếu yêu cầu khai thác",
        AccessApprove = "access.approve": "Duyệt yêu cầu khai thác",
        HandoverApprove = "handover.approve": "Duyệt bàn giao",
        BudgetManage = "budget.manage": "Định mức, độ phức tạp, kinh phí được giao và đã chi",
    }
}

/// The role × action table.
#[derive(Debug, Clone)]
pub struct Permissions {
    allowed: BTreeSet<(Role, Action)>,
}

impl Permissions {
    /// The table shipped in `policy/permissions.csv`.
    pub fn shipped() -> &'static Permissions {
        static TABLE: std::sync::OnceLock<Permissions> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| Permissions::parse(PERMISSIONS_CSV).expect("policy/permissions.csv is checked by the tests"))
    }

    /// Parses the table: a header naming every role, one row per action, "x" for allowed.
    pub fn parse(csv_text: &str) -> Result<Permissions, String> {
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        let headers: Vec<String> = reader.headers().map_err(|e| e.to_string())?.iter().map(str::to_string).collect();
        let roles: Vec<Option<Role>> = headers.iter().map(|h| Role::from_code(h)).collect();
        for role in Role::ALL {
            if !roles.contains(&Some(*role)) {
                return Err(format!("thiếu cột vai trò {}", role.code()));
            }
        }
        let mut allowed = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for record in reader.records() {
            let record = record.map_err(|e| e.to_string())?;
            let action = Action::from_code(&record[0]).ok_or_else(|| format!("hành động không xác định: {}", &record[0]))?;
            seen.insert(action);
            for (cell, role) in record.iter().zip(&roles) {
                match (role, cell.trim()) {
                    (Some(role), "x") => {
                        allowed.insert((*role, action));
                    }
                    (Some(_), "") | (None, _) => {}
                    (Some(role), other) => return Err(format!("ô “{other}” ({}, {}) phải là x hoặc trống", action.code(), role.code())),
                }
            }
        }
        if let Some(missing) = Action::ALL.iter().find(|a| !seen.contains(a)) {
            return Err(format!("thiếu dòng cho hành động {}", missing.code()));
        }
        Ok(Permissions { allowed })
    }

    pub fn allows(&self, role: Role, action: Action) -> bool {
        self.allowed.contains(&(role, action))
    }
}

/// Who is acting: a signed-in user, an API token's user, or the operator at the command line.
#[derive(Debug, Clone, Serialize)]
pub struct Actor {
    pub user_id: Option<i64>,
    /// Login name, or "cli:<os user>" for the operator.
    pub name: String,
    pub role: Role,
    /// Highest classification the actor may know of.
    pub clearance: Classification,
    /// Bound to the province archive: every unit is in scope.
    pub all_units: bool,
    pub units: BTreeSet<i64>,
    /// Fonds assigned directly (contractors).
    pub fonds: BTreeSet<i64>,
}

impl Actor {
    /// The person at the machine's command line: administers, sees no classified content.
    pub fn operator(os_user: &str) -> Actor {
        Actor {
            user_id: None,
            name: format!("cli:{os_user}"),
            role: Role::Admin,
            clearance: Classification::None,
            all_units: true,
            units: BTreeSet::new(),
            fonds: BTreeSet::new(),
        }
    }

    /// What list and count queries may return for this actor.
    pub fn visibility(&self) -> Visibility {
        Visibility {
            all_units: self.all_units,
            units: self.units.iter().copied().collect(),
            fonds: self.fonds.iter().copied().collect(),
            clearance: self.clearance.level(),
            public_only: self.role == Role::Reader,
        }
    }
}

/// The scope and clearance rules in the form SQL needs; built only by [`Actor::visibility`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Visibility {
    pub all_units: bool,
    pub units: Vec<i64>,
    pub fonds: Vec<i64>,
    /// Highest classification level (0–3) the actor may see.
    pub clearance: i64,
    /// Only mode 01 (Công khai) records.
    pub public_only: bool,
}

impl Visibility {
    /// Sees everything unclassified and public and restricted alike: for tests and maintenance.
    pub fn everything() -> Visibility {
        Visibility { all_units: true, units: vec![], fonds: vec![], clearance: 3, public_only: false }
    }
}

/// Where a record sits, as far as access is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FondsPlace {
    pub fonds_id: i64,
    pub unit_id: i64,
    pub custodian_unit_id: Option<i64>,
}

/// How secret and how restricted a piece of data is: its classification (độ mật) and its mode of
/// use (chế độ sử dụng).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Label {
    pub classification: Classification,
    pub mode: Option<Mode>,
}

impl Default for Label {
    fn default() -> Label {
        Label { classification: Classification::None, mode: None }
    }
}

impl Label {
    pub fn new(classification: Classification, mode: Option<Mode>) -> Label {
        Label { classification, mode }
    }

    /// The label of data derived from both: the higher classification, the more restrictive mode.
    pub fn join(self, other: Label) -> Label {
        let mode = match (self.mode, other.mode) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, None) => a,
            (None, b) => b,
        };
        Label { classification: self.classification.max(other.classification), mode }
    }

    /// The one rule for derived data — a rendition, OCR text, a thumbnail, a file name, a count, a
    /// search entry: it is as secret and as restricted as the most secret and most restricted of
    /// its sources (fonds, hồ sơ, văn bản, page). Decisions on it then go through [`authorize`]
    /// like a record's.
    pub fn derived(sources: impl IntoIterator<Item = Label>) -> Label {
        sources.into_iter().fold(Label::default(), Label::join)
    }

    /// Restricted material: its views and downloads are audited.
    pub fn is_restricted(&self) -> bool {
        self.classification.is_classified() || self.mode.is_some_and(|m| m != Mode::Public)
    }

    /// The resource to authorise for data with this label in a fonds.
    pub fn on(self, place: FondsPlace) -> Resource {
        Resource::Record { place, classification: self.classification, mode: self.mode }
    }
}

/// What is being acted on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// Something with no place in a fonds: the plan, the user list, the audit trail.
    System,
    /// Creating a new fonds for a unit.
    Unit { unit_id: i64 },
    /// A fonds or anything inside it. `classification` is the highest level on the way down
    /// (fonds, hồ sơ, văn bản); `mode` is the record's own.
    Record { place: FondsPlace, classification: Classification, mode: Option<Mode> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Decision {
    Allow,
    /// The role may not do this at all: 403.
    Forbidden,
    /// Out of scope or above clearance: answered as if absent, 404.
    NotFound,
}

impl Decision {
    pub fn is_allowed(self) -> bool {
        self == Decision::Allow
    }
}

fn in_scope(actor: &Actor, unit_id: i64, custodian: Option<i64>, fonds_id: Option<i64>) -> bool {
    actor.all_units
        || actor.units.contains(&unit_id)
        || custodian.is_some_and(|c| actor.units.contains(&c))
        || fonds_id.is_some_and(|f| actor.fonds.contains(&f))
}

/// What becomes of a change of someone's clearance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearanceChange {
    /// Made now.
    Apply,
    /// Recorded as a proposal that a Lãnh đạo cleared at least as high must approve.
    Propose,
    /// Refused, with the reason.
    Refuse(&'static str),
}

/// Nobody grants what they do not hold. Lowering a clearance is an administrator's to do; raising
/// one is granted only by a role the permissions table allows `clearance.grant` (Lãnh đạo), up to
/// that person's own clearance, never to themselves; an administrator may only propose it. (The
/// operator at the server's console is the root of trust: `kho user clearance` there.)
pub fn clearance_change(granter: &Actor, target: Option<i64>, current: Classification, requested: Classification) -> ClearanceChange {
    let table = Permissions::shipped();
    let own = target.is_some() && target == granter.user_id;
    if requested.level() <= current.level() {
        return if own && requested != current {
            ClearanceChange::Refuse("Không tự thay đổi độ mật của chính mình; nhờ người khác.")
        } else if table.allows(granter.role, Action::UsersManage) || table.allows(granter.role, Action::ClearanceGrant) {
            ClearanceChange::Apply
        } else {
            ClearanceChange::Refuse("Vai trò của bạn không được đổi độ mật.")
        };
    }
    if own {
        return ClearanceChange::Refuse("Không tự nâng độ mật của chính mình; nhờ người khác.");
    }
    if table.allows(granter.role, Action::ClearanceGrant) {
        return if requested.level() <= granter.clearance.level() {
            ClearanceChange::Apply
        } else {
            ClearanceChange::Refuse("Chỉ cấp được độ mật không cao hơn độ mật của chính mình.")
        };
    }
    if table.allows(granter.role, Action::UsersManage) {
        return ClearanceChange::Propose;
    }
    ClearanceChange::Refuse("Vai trò của bạn không được cấp độ mật.")
}

/// The one decision point.
pub fn authorize(actor: &Actor, action: Action, resource: &Resource) -> Decision {
    // Records out of reach are absent whatever the action, so the existence of a secret or
    // another commune's record never shows through a 403.
    if let Resource::Record { place, classification, mode } = resource {
        if classification.level() > actor.clearance.level() {
            return Decision::NotFound;
        }
        if !in_scope(actor, place.unit_id, place.custodian_unit_id, Some(place.fonds_id)) {
            return Decision::NotFound;
        }
        if actor.role == Role::Reader && mode.is_some_and(|m| m != Mode::Public) {
            return Decision::NotFound;
        }
    }
    if let Resource::Unit { unit_id } = resource
        && !in_scope(actor, *unit_id, None, None)
    {
        return Decision::NotFound;
    }
    if !Permissions::shipped().allows(actor.role, action) {
        return Decision::Forbidden;
    }
    Decision::Allow
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, clearance: Classification, units: &[i64]) -> Actor {
        Actor {
            user_id: Some(1),
            name: "t".into(),
            role,
            clearance,
            all_units: false,
            units: units.iter().copied().collect(),
            fonds: BTreeSet::new(),
        }
    }

    fn record(unit_id: i64, classification: Classification, mode: Mode) -> Resource {
        Resource::Record { place: FondsPlace { fonds_id: 9, unit_id, custodian_unit_id: None }, classification, mode: Some(mode) }
    }

    #[test]
    fn the_shipped_table_parses_and_names_every_action() {
        let table = Permissions::shipped();
        assert!(table.allows(Role::Archivist, Action::CatalogueEdit));
        assert!(!table.allows(Role::Admin, Action::CatalogueEdit));
        assert!(table.allows(Role::Leader, Action::DestructionApprove));
        assert!(Permissions::parse("hanh_dong,quan_tri\nplan.view,x\n").is_err(), "a missing role column is refused");
        let bad_cell = PERMISSIONS_CSV.replacen(",x,", ",có,", 1);
        assert!(Permissions::parse(&bad_cell).is_err());
    }

    #[test]
    fn another_communes_record_and_a_secret_above_clearance_are_absent() {
        let clerk = actor(Role::Archivist, Classification::None, &[1]);
        assert_eq!(authorize(&clerk, Action::CatalogueView, &record(1, Classification::None, Mode::Public)), Decision::Allow);
        assert_eq!(authorize(&clerk, Action::CatalogueView, &record(2, Classification::None, Mode::Public)), Decision::NotFound);
        assert_eq!(authorize(&clerk, Action::CatalogueEdit, &record(1, Classification::Confidential, Mode::Secret)), Decision::NotFound);
        let cleared = actor(Role::Archivist, Classification::Secret, &[1]);
        assert_eq!(authorize(&cleared, Action::CatalogueView, &record(1, Classification::Secret, Mode::Secret)), Decision::Allow);
        assert_eq!(authorize(&cleared, Action::CatalogueView, &record(1, Classification::TopSecret, Mode::Secret)), Decision::NotFound);
    }

    #[test]
    fn derived_data_is_as_secret_as_its_most_secret_source() {
        let public = Label::new(Classification::None, Some(Mode::Public));
        let secret_document = Label::new(Classification::Confidential, Some(Mode::Secret));
        let restricted = Label::new(Classification::None, Some(Mode::Conditional));
        let rendition = Label::derived([public, restricted, secret_document]);
        assert_eq!(rendition, Label::new(Classification::Confidential, Some(Mode::Secret)));
        assert_eq!(Label::derived([public, restricted]).mode, Some(Mode::Conditional));
        let place = FondsPlace { fonds_id: 9, unit_id: 1, custodian_unit_id: None };
        let clerk = actor(Role::Archivist, Classification::None, &[1]);
        assert_eq!(authorize(&clerk, Action::CatalogueView, &rendition.on(place.clone())), Decision::NotFound);
        let mut reader = actor(Role::Reader, Classification::None, &[1]);
        reader.all_units = true;
        assert_eq!(authorize(&reader, Action::CatalogueView, &Label::derived([public, restricted]).on(place)), Decision::NotFound);
    }

    #[test]
    fn nobody_grants_a_clearance_they_do_not_hold() {
        let mut admin = actor(Role::Admin, Classification::None, &[1]);
        admin.user_id = Some(10);
        assert_eq!(clearance_change(&admin, Some(11), Classification::None, Classification::TopSecret), ClearanceChange::Propose);
        assert_eq!(clearance_change(&admin, Some(11), Classification::Secret, Classification::None), ClearanceChange::Apply);
        assert!(matches!(clearance_change(&admin, Some(10), Classification::None, Classification::Secret), ClearanceChange::Refuse(_)));
        let mut leader = actor(Role::Leader, Classification::Secret, &[1]);
        leader.user_id = Some(20);
        assert_eq!(clearance_change(&leader, Some(11), Classification::None, Classification::Confidential), ClearanceChange::Apply);
        assert_eq!(clearance_change(&leader, Some(11), Classification::None, Classification::Secret), ClearanceChange::Apply);
        assert!(matches!(clearance_change(&leader, Some(11), Classification::None, Classification::TopSecret), ClearanceChange::Refuse(_)));
        assert!(matches!(
            clearance_change(&leader, Some(20), Classification::Secret, Classification::TopSecret),
            ClearanceChange::Refuse(_)
        ));
        let clerk = actor(Role::Archivist, Classification::TopSecret, &[1]);
        assert!(matches!(
            clearance_change(&clerk, Some(11), Classification::None, Classification::Confidential),
            ClearanceChange::Refuse(_)
        ));
    }

    #[test]
    fn the_administrator_has_no_implicit_access_to_secrets_and_readers_see_public_records_only() {
        let operator = Actor::operator("root");
        assert_eq!(authorize(&operator, Action::CatalogueView, &record(5, Classification::Confidential, Mode::Secret)), Decision::NotFound);
        assert_eq!(authorize(&operator, Action::CatalogueEdit, &record(5, Classification::None, Mode::Public)), Decision::Forbidden);
        let mut reader = actor(Role::Reader, Classification::None, &[]);
        reader.all_units = true;
        assert_eq!(authorize(&reader, Action::CatalogueView, &record(5, Classification::None, Mode::Public)), Decision::Allow);
        assert_eq!(authorize(&reader, Action::CatalogueView, &record(5, Classification::None, Mode::Conditional)), Decision::NotFound);
        assert_eq!(authorize(&reader, Action::PlanView, &Resource::System), Decision::Forbidden);
    }
}
