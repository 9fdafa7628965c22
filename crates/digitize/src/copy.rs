//! The copies a reader is given (TT 05/2025, Chương VI), made from a hồ sơ's signed PDF/A:
//! - the **bản sao không xác thực**: the pages and their text, the digitizing body's signature
//!   taken off (it vouched for the original file, not for this one), "BẢN SAO" at the top right
//!   of page 1 in a Times-metric serif, 10 pt;
//! - the **bản sao có xác thực**: the same pages signed by the archive, the signature's visible
//!   block being the "BẢN SAO" mark with the archive's name and the time.
//!
//! The mark is drawn as shapes, so the page's text (the OCR layer) stays the document's own.

use crate::sign::{Mark, SignError, SigningKey};
use chrono::{DateTime, FixedOffset};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

fn pdf_error(e: impl std::fmt::Display) -> SignError {
    SignError::Pdf(e.to_string())
}

/// An uncertified copy: no signature, "BẢN SAO" at the top right of page 1.
pub fn uncertified(pdf: &[u8]) -> Result<Vec<u8>, SignError> {
    let mut doc = unsigned(pdf)?;
    let page = first_page(&doc)?;
    let media = crate::sign::media_box(&doc, page)?;
    let (form, width, height) = crate::lettering::pdf_block(&mut doc, &["BẢN SAO".to_string()]).map_err(pdf_error)?;
    let (x, y) = (media[2] - 20.0 - width, media[3] - 20.0 - height);
    add_xobject(&mut doc, page, b"KhoBanSao", form)?;
    let before = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    let after = doc.add_object(Stream::new(Dictionary::new(), format!("Q\nq 1 0 0 1 {x:.2} {y:.2} cm /KhoBanSao Do Q\n").into_bytes()));
    let page_dict = doc.get_dictionary_mut(page).map_err(pdf_error)?;
    let mut contents = match page_dict.get(b"Contents") {
        Ok(Object::Array(parts)) => parts.clone(),
        Ok(one) => vec![one.clone()],
        Err(_) => vec![],
    };
    contents.insert(0, before.into());
    contents.push(after.into());
    page_dict.set("Contents", contents);
    save(&mut doc)
}

/// A certified copy: the pages signed by `key` for `organisation`, the signature shown as the
/// "BẢN SAO" mark.
pub fn certified(pdf: &[u8], key: &dyn SigningKey, organisation: &str, at: DateTime<FixedOffset>) -> Result<Vec<u8>, SignError> {
    let bare = save(&mut unsigned(pdf)?)?;
    crate::sign::sign_as(&bare, key, organisation, &Mark::certified_copy(organisation, at), at)
}

/// The document without its signatures: the form's fields and the pages' signature widgets gone.
fn unsigned(pdf: &[u8]) -> Result<Document, SignError> {
    let mut doc = Document::load_mem(pdf).map_err(pdf_error)?;
    let catalog = doc.trailer.get(b"Root").and_then(Object::as_reference).map_err(pdf_error)?;
    let catalog_dict = doc.get_dictionary_mut(catalog).map_err(pdf_error)?;
    catalog_dict.remove(b"AcroForm");
    catalog_dict.remove(b"Perms");
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for page in pages {
        let annots = match doc.get_dictionary(page).and_then(|d| d.get(b"Annots")) {
            Ok(Object::Array(a)) => a.clone(),
            Ok(Object::Reference(id)) => doc.get_object(*id).and_then(Object::as_array).cloned().unwrap_or_default(),
            _ => continue,
        };
        let kept: Vec<Object> = annots
            .into_iter()
            .filter(|annot| {
                let dict = match annot {
                    Object::Reference(id) => doc.get_dictionary(*id).ok(),
                    Object::Dictionary(d) => Some(d),
                    _ => None,
                };
                !dict.is_some_and(|d| d.get(b"FT").and_then(Object::as_name).is_ok_and(|n| n == b"Sig"))
            })
            .collect();
        let page_dict = doc.get_dictionary_mut(page).map_err(pdf_error)?;
        if kept.is_empty() {
            page_dict.remove(b"Annots");
        } else {
            page_dict.set("Annots", kept);
        }
    }
    // The signature and its widget, no longer reachable, are not written.
    doc.prune_objects();
    Ok(doc)
}

fn first_page(doc: &Document) -> Result<ObjectId, SignError> {
    doc.get_pages().get(&1).copied().ok_or_else(|| SignError::Pdf("không có trang nào".into()))
}

/// Puts `form` among the page's XObjects as `name`, the page's resources made its own.
fn add_xobject(doc: &mut Document, page: ObjectId, name: &[u8], form: ObjectId) -> Result<(), SignError> {
    let resolve = |doc: &Document, object: Option<&Object>| -> Dictionary {
        match object {
            Some(Object::Reference(id)) => doc.get_dictionary(*id).cloned().unwrap_or_default(),
            Some(Object::Dictionary(d)) => d.clone(),
            _ => Dictionary::new(),
        }
    };
    let page_dict = doc.get_dictionary(page).map_err(pdf_error)?;
    let mut resources = resolve(doc, page_dict.get(b"Resources").ok());
    let mut xobjects = resolve(doc, resources.get(b"XObject").ok());
    xobjects.set(name.to_vec(), form);
    resources.set("XObject", xobjects);
    doc.get_dictionary_mut(page).map_err(pdf_error)?.set("Resources", resources);
    Ok(())
}

fn save(doc: &mut Document) -> Result<Vec<u8>, SignError> {
    let mut out = vec![];
    doc.save_to(&mut out).map_err(pdf_error)?;
    Ok(out)
}
