//! Every route and the access it needs: one table, read by the guard on each request and walked
//! by the matrix and server tests. A path missing here answers 500, so none can be added unguarded;
//! a method missing for a path that is here answers 405 with the methods the table lists.

use axum::http::Method;
use kho_model::access::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: the login page, health, assets.
    Public,
    /// Any signed-in user (their own password, sign out).
    SignedIn,
    /// A signed-in user whose role the permissions table allows this action; record-level scope
    /// and clearance are then decided by `authorize` on the record itself.
    Act(Action),
}

#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    /// Takes a large body or long work (uploads, an import): exempt from the whole-request
    /// timeout, bounded by its own body limit instead.
    pub long: bool,
}

const fn route(method: &'static str, path: &'static str, access: Access) -> Route {
    Route { method, path, access, long: false }
}

/// A route whose request may rightly take minutes: a file sent over a slow line, a mục lục
/// imported whole.
const fn long(method: &'static str, path: &'static str, access: Access) -> Route {
    Route { method, path, access, long: true }
}

use Access::*;
use Action::*;

pub const ROUTES: &[Route] = &[
    route("GET", "/healthz", Public),
    route("GET", "/static/{file}", Public),
    route("GET", "/favicon.ico", Public),
    route("GET", "/dang-nhap", Public),
    route("POST", "/dang-nhap", Public),
    route("POST", "/dang-xuat", SignedIn),
    route("GET", "/tai-khoan/mat-khau", SignedIn),
    route("POST", "/tai-khoan/mat-khau", SignedIn),
    route("GET", "/", Act(CatalogueView)),
    route("GET", "/ke-hoach", Act(PlanView)),
    route("GET", "/trang/{id}", Act(ContentView)),
    route("GET", "/trang/{id}/anh", Act(ContentView)),
    route("GET", "/don-vi/moi", Act(UnitsEdit)),
    route("POST", "/don-vi/moi", Act(UnitsEdit)),
    route("GET", "/don-vi/{id}", Act(PlanView)),
    route("GET", "/don-vi/{id}/sua", Act(UnitsEdit)),
    route("POST", "/don-vi/{id}/ngoai-kho", Act(CatalogueEdit)),
    route("POST", "/don-vi/{id}/sua", Act(UnitsEdit)),
    route("GET", "/tra-cuu", Act(CatalogueView)),
    route("GET", "/tiep-nhan", Act(PlanView)),
    route("GET", "/tiep-nhan/danh-sach.xlsx", Act(PlanView)),
    route("GET", "/tiep-nhan/danh-sach.csv", Act(PlanView)),
    route("POST", "/tiep-nhan", Act(CatalogueEdit)),
    route("GET", "/tiep-nhan/moi", Act(CatalogueEdit)),
    route("GET", "/tiep-nhan/goi", Act(CatalogueEdit)),
    long("POST", "/tiep-nhan/goi", Act(CatalogueEdit)),
    route("GET", "/bao-cao", Act(PlanView)),
    route("GET", "/bao-cao/nam.docx", Act(PlanView)),
    route("GET", "/bao-cao/nam.pdf", Act(PlanView)),
    route("GET", "/bao-cao/nam.xlsx", Act(PlanView)),
    route("GET", "/bao-cao/nam.csv", Act(PlanView)),
    route("GET", "/kinh-phi", Act(PlanView)),
    route("GET", "/kinh-phi/du-toan.xlsx", Act(PlanView)),
    route("GET", "/kinh-phi/du-toan.csv", Act(PlanView)),
    route("GET", "/kinh-phi/dinh-muc.csv", Act(PlanView)),
    route("POST", "/kinh-phi/dinh-muc", Act(BudgetManage)),
    route("POST", "/kinh-phi/do-phuc-tap", Act(BudgetManage)),
    route("POST", "/kinh-phi/so-lieu", Act(BudgetManage)),
    route("GET", "/tiep-nhan/goi/bien-ban.docx", Act(CatalogueEdit)),
    route("GET", "/tiep-nhan/goi/bien-ban.pdf", Act(CatalogueEdit)),
    route("GET", "/tiep-nhan/goi/bien-ban.xlsx", Act(CatalogueEdit)),
    route("GET", "/tiep-nhan/{id}", Act(PlanView)),
    route("GET", "/tiep-nhan/{id}/bien-ban.docx", Act(PlanView)),
    route("GET", "/tiep-nhan/{id}/bien-ban.pdf", Act(PlanView)),
    route("GET", "/tiep-nhan/{id}/danh-muc.docx", Act(PlanView)),
    route("GET", "/tiep-nhan/{id}/danh-muc.pdf", Act(PlanView)),
    route("GET", "/tiep-nhan/{id}/danh-muc.xlsx", Act(PlanView)),
    route("GET", "/phong", Act(CatalogueView)),
    route("GET", "/phong/danh-sach.xlsx", Act(CatalogueView)),
    route("GET", "/phong/danh-sach.csv", Act(CatalogueView)),
    route("POST", "/phong", Act(CatalogueEdit)),
    route("GET", "/phong/moi", Act(CatalogueEdit)),
    route("GET", "/phong/{id}", Act(CatalogueView)),
    route("POST", "/phong/{id}", Act(CatalogueEdit)),
    route("GET", "/phong/{id}/sua", Act(CatalogueEdit)),
    route("POST", "/phong/{id}/muc-luc", Act(CatalogueEdit)),
    route("GET", "/phong/{id}/muc-luc/moi", Act(CatalogueEdit)),
    route("GET", "/phong/{id}/chinh-ly", Act(PlanView)),
    route("POST", "/phong/{id}/chinh-ly/buoc", Act(CatalogueEdit)),
    route("POST", "/phong/{id}/chinh-ly/phuong-an", Act(CatalogueEdit)),
    route("GET", "/kho-luu-tru", Act(CatalogueView)),
    route("POST", "/kho-luu-tru", Act(CatalogueEdit)),
    route("GET", "/phong/{id}/hop", Act(CatalogueView)),
    route("GET", "/phong/{id}/hop.xlsx", Act(CatalogueView)),
    route("GET", "/phong/{id}/hop.csv", Act(CatalogueView)),
    route("POST", "/phong/{id}/hop", Act(CatalogueEdit)),
    route("GET", "/phong/{id}/nhan-hop.pdf", Act(CatalogueView)),
    route("GET", "/phong/{id}/huy", Act(PlanView)),
    route("GET", "/phong/{id}/danh-muc-ho-so.docx", Act(CatalogueView)),
    route("GET", "/phong/{id}/danh-muc-ho-so.pdf", Act(CatalogueView)),
    route("GET", "/phong/{id}/danh-muc-ho-so.xlsx", Act(CatalogueView)),
    route("GET", "/phong/{id}/ead3.xml", Act(CatalogueView)),
    route("POST", "/phong/{id}/huy", Act(CatalogueEdit)),
    route("GET", "/danh-muc-huy/{id}", Act(PlanView)),
    route("POST", "/danh-muc-huy/{id}/hoi-dong", Act(CatalogueEdit)),
    route("POST", "/danh-muc-huy/{id}/tham-dinh", Act(CatalogueEdit)),
    route("POST", "/danh-muc-huy/{id}/quyet-dinh", Act(DestructionApprove)),
    route("POST", "/danh-muc-huy/{id}/huy", Act(CatalogueEdit)),
    route("GET", "/danh-muc-huy/{id}/danh-muc.docx", Act(PlanView)),
    route("GET", "/danh-muc-huy/{id}/danh-muc.xlsx", Act(PlanView)),
    route("GET", "/danh-muc-huy/{id}/bien-ban-huy.docx", Act(PlanView)),
    route("GET", "/danh-muc-huy/{id}/bien-ban-huy.pdf", Act(PlanView)),
    route("GET", "/phong/{id}/nhap-muc-luc", Act(CatalogueEdit)),
    long("POST", "/phong/{id}/nhap-muc-luc", Act(CatalogueEdit)),
    long("POST", "/phong/{id}/nhap-muc-luc/xac-nhan", Act(CatalogueEdit)),
    route("GET", "/muc-luc/{id}/xuat.xlsx", Act(CatalogueView)),
    route("GET", "/muc-luc/{id}/xuat.docx", Act(CatalogueView)),
    route("GET", "/muc-luc/{id}/xuat.pdf", Act(CatalogueView)),
    route("GET", "/muc-luc/{id}", Act(CatalogueView)),
    route("POST", "/muc-luc/{id}", Act(CatalogueEdit)),
    route("GET", "/muc-luc/{id}/sua", Act(CatalogueEdit)),
    route("GET", "/muc-luc/{id}/danh-so", Act(CatalogueEdit)),
    route("GET", "/muc-luc/{id}/phieu-tin", Act(CatalogueEdit)),
    route("POST", "/muc-luc/{id}/phieu-tin", Act(CatalogueEdit)),
    route("POST", "/muc-luc/{id}/danh-so", Act(CatalogueEdit)),
    route("POST", "/muc-luc/{id}/ho-so", Act(CatalogueEdit)),
    route("GET", "/muc-luc/{id}/ho-so/moi", Act(CatalogueEdit)),
    route("GET", "/ho-so/{id}", Act(CatalogueView)),
    route("POST", "/ho-so/{id}", Act(CatalogueEdit)),
    route("GET", "/ho-so/{id}/sua", Act(CatalogueEdit)),
    route("GET", "/ho-so/{id}/muc-luc-van-ban.docx", Act(CatalogueView)),
    route("GET", "/ho-so/{id}/muc-luc-van-ban.pdf", Act(CatalogueView)),
    long("POST", "/ho-so/{id}/tep", Act(CatalogueEdit)),
    long("POST", "/ho-so/{id}/edxml", Act(CatalogueEdit)),
    long("POST", "/tiep-nhan/{id}/tep", Act(CatalogueEdit)),
    route("GET", "/tep/{id}", Act(CatalogueView)),
    route("GET", "/so-hoa", Act(PlanView)),
    route("GET", "/so-hoa/danh-sach.xlsx", Act(PlanView)),
    route("GET", "/so-hoa/danh-sach.csv", Act(PlanView)),
    route("POST", "/so-hoa", Act(Digitize)),
    route("GET", "/so-hoa/moi", Act(Digitize)),
    route("GET", "/so-hoa/{id}", Act(PlanView)),
    route("GET", "/so-hoa/{id}/tien-do", Act(PlanView)),
    route("POST", "/so-hoa/{id}/uu-tien", Act(Digitize)),
    route("POST", "/so-hoa/{id}/khai-thac", Act(Digitize)),
    route("POST", "/so-hoa/{id}/lam-lai", Act(Digitize)),
    long("POST", "/so-hoa/{id}/tep", Act(Digitize)),
    route("GET", "/so-hoa/{id}/tai-len", Act(Digitize)),
    long("PUT", "/so-hoa/{id}/tai-len", Act(Digitize)),
    route("GET", "/ban-so-hoa/{id}", Act(ContentView)),
    route("GET", "/ho-so/{id}/goi-luu-tru.zip", Act(PlanView)),
    route("GET", "/ho-so/{id}/goi-khai-thac", Act(PlanView)),
    route("GET", "/khai-thac", Act(CatalogueView)),
    route("POST", "/khai-thac", Act(AccessRequest)),
    route("GET", "/khai-thac/moi", Act(AccessRequest)),
    route("GET", "/khai-thac/thong-ke", Act(PlanView)),
    route("GET", "/khai-thac/thong-ke.xlsx", Act(PlanView)),
    route("GET", "/khai-thac/thong-ke.csv", Act(PlanView)),
    route("GET", "/khai-thac/{id}", Act(CatalogueView)),
    route("POST", "/khai-thac/{id}/duyet", Act(AccessApprove)),
    route("GET", "/khai-thac/{id}/ho-so/{dossier}", Act(AccessRequest)),
    route("GET", "/khai-thac/{id}/ho-so/{dossier}/trang/{page}", Act(AccessRequest)),
    route("GET", "/khai-thac/{id}/ho-so/{dossier}/ban-sao.pdf", Act(AccessRequest)),
    route("GET", "/khai-thac/{id}/ho-so/{dossier}/goi-khai-thac.zip", Act(AccessRequest)),
    route("POST", "/ho-so/{id}/van-ban", Act(CatalogueEdit)),
    route("GET", "/ho-so/{id}/van-ban/moi", Act(CatalogueEdit)),
    route("GET", "/van-ban/{id}", Act(CatalogueView)),
    route("POST", "/van-ban/{id}", Act(CatalogueEdit)),
    route("GET", "/van-ban/{id}/sua", Act(CatalogueEdit)),
    route("GET", "/quan-tri", Act(UsersManage)),
    route("GET", "/quan-tri/tai-khoan/moi", Act(UsersManage)),
    route("POST", "/quan-tri/tai-khoan", Act(UsersManage)),
    route("GET", "/quan-tri/tai-khoan/{id}", Act(UsersManage)),
    route("POST", "/quan-tri/tai-khoan/{id}", Act(UsersManage)),
    route("POST", "/quan-tri/tai-khoan/{id}/mat-khau", Act(UsersManage)),
    route("GET", "/quan-tri/ma-truy-cap", Act(TokensManage)),
    route("POST", "/quan-tri/ma-truy-cap", Act(TokensManage)),
    route("POST", "/quan-tri/ma-truy-cap/{id}/thu-hoi", Act(TokensManage)),
    route("GET", "/quan-tri/do-mat", Act(ClearanceGrant)),
    route("POST", "/quan-tri/do-mat/{id}", Act(ClearanceGrant)),
    route("GET", "/tai-khoan/ma-truy-cap", SignedIn),
    route("POST", "/tai-khoan/ma-truy-cap", SignedIn),
    route("POST", "/tai-khoan/ma-truy-cap/{id}/thu-hoi", SignedIn),
    route("GET", "/thoi-han", Act(CatalogueView)),
    route("GET", "/quan-tri/thoi-han", Act(RetentionManage)),
    route("POST", "/quan-tri/thoi-han", Act(RetentionManage)),
    route("GET", "/quan-tri/nhat-ky", Act(AuditView)),
    route("GET", "/quan-tri/nhat-ky.xlsx", Act(AuditView)),
    route("GET", "/quan-tri/bao-quan", Act(AuditView)),
    route("GET", "/quan-tri/bao-quan/{id}/bien-ban-kiem-tra.docx", Act(AuditView)),
    route("GET", "/quan-tri/bao-quan/{id}/bien-ban-kiem-tra.pdf", Act(AuditView)),
    route("GET", "/quan-tri/bao-quan/{id}/bien-ban-su-co.docx", Act(AuditView)),
    route("GET", "/quan-tri/bao-quan/{id}/bien-ban-su-co.pdf", Act(AuditView)),
    route("GET", "/api/v1/openapi.json", Public),
    route("GET", "/api/v1/search", Act(CatalogueView)),
    route("GET", "/api/v1/access-requests", Act(CatalogueView)),
    route("POST", "/api/v1/access-requests", Act(AccessRequest)),
    route("GET", "/api/v1/access-requests/{id}", Act(CatalogueView)),
    route("POST", "/api/v1/access-requests/{id}/decisions", Act(AccessApprove)),
    route("GET", "/api/v1/access-requests/{id}/dossiers/{dossier}/copy", Act(AccessRequest)),
    route("GET", "/api/v1/access-requests/{id}/dossiers/{dossier}/package", Act(AccessRequest)),
    route("GET", "/api/v1/access-statistics", Act(PlanView)),
    route("GET", "/api/v1/plan", Act(PlanView)),
    route("GET", "/api/v1/retention", Act(CatalogueView)),
    route("PUT", "/api/v1/retention", Act(RetentionManage)),
    route("GET", "/api/v1/retention/suggest", Act(CatalogueView)),
    route("GET", "/api/v1/units", Act(PlanView)),
    route("GET", "/api/v1/units/{id}", Act(PlanView)),
    route("POST", "/api/v1/units", Act(UnitsEdit)),
    route("PUT", "/api/v1/units/{id}", Act(UnitsEdit)),
    route("POST", "/api/v1/units/{id}/outside-work", Act(CatalogueEdit)),
    route("PUT", "/api/v1/units/{id}/complexity", Act(BudgetManage)),
    route("GET", "/api/v1/costs", Act(PlanView)),
    route("GET", "/api/v1/dossiers/{id}/attachments", Act(CatalogueView)),
    long("POST", "/api/v1/dossiers/{id}/attachments", Act(CatalogueEdit)),
    long("POST", "/api/v1/dossiers/{id}/edxml", Act(CatalogueEdit)),
    route("GET", "/api/v1/accessions/{id}/attachments", Act(PlanView)),
    long("POST", "/api/v1/accessions/{id}/attachments", Act(CatalogueEdit)),
    route("GET", "/api/v1/attachments/{id}", Act(CatalogueView)),
    long("POST", "/api/v1/fonds/{id}/inventory-imports", Act(CatalogueEdit)),
    long("POST", "/api/v1/packages", Act(CatalogueEdit)),
    route("GET", "/api/v1/reports/annual", Act(PlanView)),
    route("GET", "/api/v1/users", Act(UsersManage)),
    route("POST", "/api/v1/users", Act(UsersManage)),
    route("PUT", "/api/v1/users/{id}", Act(UsersManage)),
    route("PUT", "/api/v1/users/{id}/password", Act(UsersManage)),
    route("GET", "/api/v1/clearance-proposals", Act(ClearanceGrant)),
    route("POST", "/api/v1/clearance-proposals/{id}/decision", Act(ClearanceGrant)),
    route("GET", "/api/v1/tokens", Act(TokensManage)),
    route("DELETE", "/api/v1/tokens/{id}", Act(TokensManage)),
    route("GET", "/api/v1/me/tokens", SignedIn),
    route("POST", "/api/v1/me/tokens", SignedIn),
    route("DELETE", "/api/v1/me/tokens/{id}", SignedIn),
    route("PUT", "/api/v1/me/password", SignedIn),
    route("GET", "/api/v1/audit", Act(AuditView)),
    route("GET", "/api/v1/dossiers/{id}/package", Act(PlanView)),
    route("GET", "/api/v1/preservation/runs", Act(AuditView)),
    route("GET", "/api/v1/preservation/runs/{id}", Act(AuditView)),
    route("GET", "/api/v1/scan-pages/{id}", Act(ContentView)),
    route("GET", "/api/v1/scan-pages/{id}/image", Act(ContentView)),
    route("PUT", "/api/v1/costs/norms", Act(BudgetManage)),
    route("POST", "/api/v1/costs/budget-lines", Act(BudgetManage)),
    route("GET", "/api/v1/fonds", Act(CatalogueView)),
    route("POST", "/api/v1/fonds", Act(CatalogueEdit)),
    route("GET", "/api/v1/fonds/{id}", Act(CatalogueView)),
    route("PUT", "/api/v1/fonds/{id}", Act(CatalogueEdit)),
    route("GET", "/api/v1/fonds/{id}/inventories", Act(CatalogueView)),
    route("POST", "/api/v1/fonds/{id}/inventories", Act(CatalogueEdit)),
    route("GET", "/api/v1/inventories/{id}", Act(CatalogueView)),
    route("PUT", "/api/v1/inventories/{id}", Act(CatalogueEdit)),
    route("GET", "/api/v1/inventories/{id}/dossiers", Act(CatalogueView)),
    route("POST", "/api/v1/inventories/{id}/dossiers", Act(CatalogueEdit)),
    route("GET", "/api/v1/dossiers/{id}", Act(CatalogueView)),
    route("PUT", "/api/v1/dossiers/{id}", Act(CatalogueEdit)),
    route("GET", "/api/v1/dossiers/{id}/documents", Act(CatalogueView)),
    route("POST", "/api/v1/dossiers/{id}/documents", Act(CatalogueEdit)),
    route("GET", "/api/v1/documents/{id}", Act(CatalogueView)),
    route("GET", "/api/v1/batches", Act(PlanView)),
    route("POST", "/api/v1/batches", Act(Digitize)),
    route("GET", "/api/v1/batches/{id}", Act(PlanView)),
    route("GET", "/api/v1/batches/{id}/queue", Act(PlanView)),
    route("GET", "/api/v1/batches/{id}/export", Act(PlanView)),
    route("PUT", "/api/v1/batches/{id}/dossiers/{dossier}/priority", Act(Digitize)),
    route("PUT", "/api/v1/batches/{id}/dossiers/{dossier}/frequent-use", Act(Digitize)),
    route("POST", "/api/v1/batches/{id}/retry", Act(Digitize)),
    route("GET", "/api/v1/accessions", Act(PlanView)),
    route("POST", "/api/v1/accessions", Act(CatalogueEdit)),
    route("GET", "/api/v1/accessions/{id}", Act(PlanView)),
    route("GET", "/api/v1/fonds/{id}/arrangement", Act(PlanView)),
    route("POST", "/api/v1/fonds/{id}/arrangement/steps", Act(CatalogueEdit)),
    route("PUT", "/api/v1/fonds/{id}/arrangement/scheme", Act(CatalogueEdit)),
    route("GET", "/api/v1/fonds/{id}/disposal-lists", Act(PlanView)),
    route("POST", "/api/v1/fonds/{id}/disposal-lists", Act(CatalogueEdit)),
    route("GET", "/api/v1/disposal-lists/{id}", Act(PlanView)),
    route("POST", "/api/v1/disposal-lists/{id}/council", Act(CatalogueEdit)),
    route("POST", "/api/v1/disposal-lists/{id}/appraisal", Act(CatalogueEdit)),
    route("POST", "/api/v1/disposal-lists/{id}/decision", Act(DestructionApprove)),
    route("POST", "/api/v1/disposal-lists/{id}/destruction", Act(CatalogueEdit)),
    long("POST", "/api/v1/batches/{id}/files", Act(Digitize)),
    route("GET", "/api/v1/dossiers/{id}/renditions", Act(ContentView)),
    route("GET", "/api/v1/batches/{id}/upload", Act(Digitize)),
    long("PUT", "/api/v1/batches/{id}/upload", Act(Digitize)),
    route("GET", "/api/v1/renditions/{id}", Act(ContentView)),
    route("PUT", "/api/v1/documents/{id}", Act(CatalogueEdit)),
    route("GET", "/api/v1/inventories/{id}/numbering", Act(CatalogueEdit)),
    route("POST", "/api/v1/inventories/{id}/numbering", Act(CatalogueEdit)),
    route("GET", "/api/v1/inventories/{id}/entries", Act(CatalogueEdit)),
    route("POST", "/api/v1/inventories/{id}/entries", Act(CatalogueEdit)),
    route("GET", "/api/v1/storage-places", Act(CatalogueView)),
    route("POST", "/api/v1/storage-places", Act(CatalogueEdit)),
    route("GET", "/api/v1/fonds/{id}/boxes", Act(CatalogueView)),
    route("POST", "/api/v1/fonds/{id}/boxes", Act(CatalogueEdit)),
];

/// The table entry for a matched route.
pub fn find(method: &Method, path: &str) -> Option<&'static Route> {
    let method = if method == Method::HEAD { "GET" } else { method.as_str() };
    ROUTES.iter().find(|r| r.method == method && r.path == path)
}

/// The methods the table lists for a path, for an `Allow` header (`GET, HEAD, POST`): HEAD goes
/// with GET, as the router answers it. Empty when the path is not in the table.
pub fn allowed(path: &str) -> Vec<&'static str> {
    let mut methods = vec![];
    for route in ROUTES.iter().filter(|r| r.path == path) {
        methods.push(route.method);
        if route.method == "GET" {
            methods.push("HEAD");
        }
    }
    methods.sort_unstable();
    methods.dedup();
    methods
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allow_lists_the_table_s_methods_with_head_beside_get() {
        assert_eq!(allowed("/phong/{id}"), ["GET", "HEAD", "POST"]);
        assert_eq!(allowed("/so-hoa/{id}/tai-len"), ["GET", "HEAD", "PUT"]);
        assert_eq!(allowed("/dang-xuat"), ["POST"]);
        assert!(allowed("/khong-co").is_empty());
    }

    #[test]
    fn every_route_is_listed_once() {
        let mut seen = std::collections::HashSet::new();
        for route in ROUTES {
            assert!(seen.insert((route.method, route.path)), "{} {} listed twice", route.method, route.path);
        }
    }
}
