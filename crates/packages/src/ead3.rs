//! The finding aid of a fonds in EAD3 (Society of American Archivists), for other archives'
//! systems (ArchivesSpace, AtoM): the fonds as `archdesc level="fonds"`, each mục lục a series
//! (`c01`), each hồ sơ a file (`c02`) with its mã hồ sơ, title, dates, sheets and retention.
//! Written in pieces — the head, a series at a time, a hồ sơ at a time — so that a fonds of
//! 100,000 hồ sơ streams out without being held whole.

use crate::xml::Xml;

/// The fonds: what the head of the finding aid says.
pub struct Fonds<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// The archive that keeps it.
    pub archive: &'a str,
    pub history: Option<&'a str>,
    /// Hồ sơ described (those the reader of the export may see).
    pub dossiers: i64,
    /// The day it is drawn up, ISO (`2026-12-07`): a finding aid is dated by the day, so that
    /// the same holdings give the same file all day.
    pub created: &'a str,
    pub software_version: &'a str,
}

/// One hồ sơ as a `c02`.
pub struct File<'a> {
    pub file_code: &'a str,
    pub number: Option<u32>,
    pub title: &'a str,
    /// As written (DD/MM/YYYY, MM/YYYY or YYYY) and as ISO 8601 for `standarddate`.
    pub from: (&'a str, &'a str),
    pub to: (&'a str, &'a str),
    pub sheets: Option<u32>,
    pub retention: &'a str,
    /// Chế độ sử dụng other than public: said in `accessrestrict`.
    pub restricted: bool,
}

/// The declaration, `ead`, `control` and the fonds' `did`, up to the opened `dsc`.
pub fn head(f: &Fonds) -> Vec<u8> {
    let mut x = Xml::new();
    x.open("ead", &[("xmlns", "http://ead3.archivists.org/schema/"), ("audience", "external")]);
    x.open("control", &[]);
    x.text("recordid", &[], f.code);
    x.open("filedesc", &[]);
    x.open("titlestmt", &[]);
    x.text("titleproper", &[], &format!("Mục lục hồ sơ phông {}", f.name));
    x.close();
    x.close();
    x.empty("maintenancestatus", &[("value", "new")]);
    x.open("maintenanceagency", &[]);
    x.text("agencyname", &[], f.archive);
    x.close();
    x.open("languagedeclaration", &[]);
    x.text("language", &[("langcode", "vie")], "Tiếng Việt");
    x.text("script", &[("scriptcode", "Latn")], "Chữ Quốc ngữ");
    x.close();
    x.open("maintenancehistory", &[]);
    x.open("maintenanceevent", &[]);
    x.empty("eventtype", &[("value", "created")]);
    x.text("eventdatetime", &[("standarddatetime", f.created)], &kho_model::vn::iso_date(f.created));
    x.empty("agenttype", &[("value", "machine")]);
    x.text("agent", &[], &format!("Kho {}", f.software_version));
    x.close();
    x.close();
    x.close();
    x.open("archdesc", &[("level", "fonds")]);
    x.open("did", &[]);
    x.text("unitid", &[], f.code);
    x.text("unittitle", &[], f.name);
    x.open("physdescstructured", &[("coverage", "whole"), ("physdescstructuredtype", "materialtype")]);
    x.text("quantity", &[], &f.dossiers.to_string());
    x.text("unittype", &[], "hồ sơ");
    x.close();
    x.open("repository", &[]);
    x.open("corpname", &[]);
    x.text("part", &[], f.archive);
    x.close();
    x.close();
    x.close();
    if let Some(history) = f.history.filter(|h| !h.trim().is_empty()) {
        x.open("bioghist", &[]);
        for line in history.lines().filter(|l| !l.trim().is_empty()) {
            x.text("p", &[], line.trim());
        }
        x.close();
    }
    x.open("dsc", &[]);
    x.finish_open()
}

/// A mục lục opened as a series.
pub fn series_open(number: u32, title: &str) -> Vec<u8> {
    let mut x = Xml::fragment(3);
    x.open("c01", &[("level", "series")]);
    x.open("did", &[]);
    x.text("unitid", &[], &format!("Mục lục số {number}"));
    x.text("unittitle", &[], title);
    x.close();
    x.finish_open()
}

pub fn series_close() -> Vec<u8> {
    b"      </c01>\n".to_vec()
}

/// One hồ sơ.
pub fn file(f: &File) -> Vec<u8> {
    let mut x = Xml::fragment(4);
    x.open("c02", &[("level", "file")]);
    x.open("did", &[]);
    x.text("unitid", &[("localtype", "ma_ho_so")], f.file_code);
    if let Some(number) = f.number {
        x.text("unitid", &[("localtype", "ho_so_so")], &number.to_string());
    }
    x.text("unittitle", &[], f.title);
    x.open("unitdatestructured", &[]);
    x.open("daterange", &[]);
    x.text("fromdate", &[("standarddate", f.from.1)], f.from.0);
    x.text("todate", &[("standarddate", f.to.1)], f.to.0);
    x.close();
    x.close();
    if let Some(sheets) = f.sheets {
        x.open("physdescstructured", &[("coverage", "whole"), ("physdescstructuredtype", "materialtype")]);
        x.text("quantity", &[], &sheets.to_string());
        x.text("unittype", &[], "tờ");
        x.close();
    }
    x.close();
    if f.restricted {
        x.open("accessrestrict", &[]);
        x.text("p", &[], "Sử dụng có điều kiện (chế độ sử dụng 02).");
        x.close();
    }
    x.open("odd", &[]);
    x.text("p", &[], &format!("Thời hạn bảo quản: {}", f.retention));
    x.close();
    x.close();
    x.finish()
}

/// Closes `dsc`, `archdesc` and `ead`.
pub fn tail() -> Vec<u8> {
    b"    </dsc>\n  </archdesc>\n</ead>\n".to_vec()
}
