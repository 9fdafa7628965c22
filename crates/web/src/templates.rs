//! The page templates (embedded in the binary) and the filters that write numbers, dates and
//! moments (Vietnam time) the Vietnamese way.

use kho_model::vn;
use minijinja::{Environment, Value};

const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../templates/base.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("overview.html", include_str!("../templates/overview.html")),
    ("khai_thac.html", include_str!("../templates/khai_thac.html")),
    ("khai_thac_moi.html", include_str!("../templates/khai_thac_moi.html")),
    ("khai_thac_phieu.html", include_str!("../templates/khai_thac_phieu.html")),
    ("khai_thac_thong_ke.html", include_str!("../templates/khai_thac_thong_ke.html")),
    ("ban_doc.html", include_str!("../templates/ban_doc.html")),
    ("plan.html", include_str!("../templates/plan.html")),
    ("unit.html", include_str!("../templates/unit.html")),
    ("fonds_list.html", include_str!("../templates/fonds_list.html")),
    ("fonds.html", include_str!("../templates/fonds.html")),
    ("inventory.html", include_str!("../templates/inventory.html")),
    ("record.html", include_str!("../templates/record.html")),
    ("xem_trang.html", include_str!("../templates/xem_trang.html")),
    ("form.html", include_str!("../templates/form.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("error.html", include_str!("../templates/error.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("password.html", include_str!("../templates/password.html")),
    ("admin_tabs.html", include_str!("../templates/admin_tabs.html")),
    ("admin_users.html", include_str!("../templates/admin_users.html")),
    ("admin_user.html", include_str!("../templates/admin_user.html")),
    ("admin_tokens.html", include_str!("../templates/admin_tokens.html")),
    ("clearance.html", include_str!("../templates/clearance.html")),
    ("admin_audit.html", include_str!("../templates/admin_audit.html")),
    ("admin_preservation.html", include_str!("../templates/admin_preservation.html")),
    ("package_import.html", include_str!("../templates/package_import.html")),
    ("reports.html", include_str!("../templates/reports.html")),
    ("dip_form.html", include_str!("../templates/dip_form.html")),
    ("cost.html", include_str!("../templates/cost.html")),
    ("retention.html", include_str!("../templates/retention.html")),
    ("import.html", include_str!("../templates/import.html")),
    ("accessions.html", include_str!("../templates/accessions.html")),
    ("accession_form.html", include_str!("../templates/accession_form.html")),
    ("accession.html", include_str!("../templates/accession.html")),
    ("arrangement.html", include_str!("../templates/arrangement.html")),
    ("numbering.html", include_str!("../templates/numbering.html")),
    ("phieu_tin.html", include_str!("../templates/phieu_tin.html")),
    ("disposal_fonds.html", include_str!("../templates/disposal_fonds.html")),
    ("locations.html", include_str!("../templates/locations.html")),
    ("boxes.html", include_str!("../templates/boxes.html")),
    ("so_hoa.html", include_str!("../templates/so_hoa.html")),
    ("so_hoa_moi.html", include_str!("../templates/so_hoa_moi.html")),
    ("so_hoa_lo.html", include_str!("../templates/so_hoa_lo.html")),
    ("disposal_list.html", include_str!("../templates/disposal_list.html")),
    ("admin_retention.html", include_str!("../templates/admin_retention.html")),
];

/// The templates compiled once for the process (an error page must not recompile them all).
pub fn shared() -> &'static Environment<'static> {
    static ENVIRONMENT: std::sync::LazyLock<Environment<'static>> = std::sync::LazyLock::new(environment);
    &ENVIRONMENT
}

pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    for (name, source) in TEMPLATES {
        env.add_template(name, source).expect("templates are checked by the tests");
    }
    // The versioned URL of a static file: {{ asset('kho.css') }}. An unknown name fails the
    // page (and the template tests), never a broken link.
    // Safe as it is: a path of letters, digits, dots, dashes and slashes.
    env.add_function("asset", |name: String| -> Result<Value, minijinja::Error> {
        crate::assets::url(&name)
            .map(Value::from_safe_string)
            .ok_or_else(|| minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, format!("no static file named {name}")))
    });
    // 1.234.567
    env.add_filter("so", |value: Value| -> String {
        match i64::try_from(value.clone()) {
            Ok(n) => vn::integer(n),
            Err(_) => value.to_string(),
        }
    });
    // Metres as the API gives them (4808.0, 2.5) → "4.808", "2,5".
    env.add_filter("met", |value: Value| -> String {
        match f64::try_from(value.clone()) {
            Ok(m) => vn::hundredths((m * 100.0).round() as i64),
            Err(_) => value.to_string(),
        }
    });
    // 2030-12-15 → 15/12/2030
    // Digits and slashes only, so it needs no escaping; anything else goes through the escaper.
    env.add_filter("ngay", |value: String| -> Value {
        let date = vn::iso_date(&value);
        if date.bytes().all(|b| b.is_ascii_digit() || b == b'/') { Value::from_safe_string(date) } else { Value::from(date) }
    });
    // 2026-11-25T14:02:03Z → 25/11/2026 21:02, in Vietnam time: every moment a page shows.
    // Digits, slashes, a space and a colon need no escaping; anything else goes through the escaper.
    env.add_filter("thoi_gian", |value: String| -> Value {
        let moment = vn::moment(&value);
        if moment.bytes().all(|b| b.is_ascii_digit() || b"/ :".contains(&b)) {
            Value::from_safe_string(moment)
        } else {
            Value::from(moment)
        }
    });
    env
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_parses_and_filters_write_vietnamese() {
        let env = super::environment();
        let out = env
            .render_str("{{ 1234567|so }} {{ 4808.0|met }} {{ 2.5|met }} {{ '2030-12-15'|ngay }} {{ '2026-12-31T17:05:00Z'|thoi_gian }} {{ '<b>' }}", minijinja::context! {})
            .unwrap();
        assert_eq!(out, "1.234.567 4.808 2,5 15/12/2030 01/01/2027 00:05 &lt;b&gt;");
        let css = env.render_str("{{ asset('kho.css') }}", minijinja::context! {}).unwrap();
        assert!(css.starts_with("/static/kho.") && css.ends_with(".css"), "{css}");
        assert!(env.render_str("{{ asset('khong-co.js') }}", minijinja::context! {}).is_err());
    }
}
