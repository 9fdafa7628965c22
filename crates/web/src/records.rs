//! The one sequence behind every create and edit, for the UI and the API alike: parse the input
//! (all field errors at once), then write; a uniqueness conflict comes back as a field error.

use kho_model::Invalid;
use kho_model::record::{DocumentInput, DossierInput, FondsInput, InventoryInput};
use kho_store::{Store, StoreError};

/// Why a write did not happen.
pub enum Refused {
    /// The input, field by field: show it again with the messages.
    Invalid(Invalid),
    /// Valid, but it collides with a stored record (a duplicate code): same treatment in forms,
    /// 409 in the API.
    Conflict(Invalid),
    /// Anything else (not found, database down).
    Store(StoreError),
}

impl From<StoreError> for Refused {
    fn from(error: StoreError) -> Refused {
        match error {
            StoreError::Conflict(field) => Refused::Conflict(Invalid::one(field)),
            other => Refused::Store(other),
        }
    }
}

impl From<Invalid> for Refused {
    fn from(invalid: Invalid) -> Refused {
        Refused::Invalid(invalid)
    }
}

pub async fn create_fonds(store: &Store, input: &FondsInput) -> Result<i64, Refused> {
    Ok(store.create_fonds(&input.parse()?).await?)
}

pub async fn update_fonds(store: &Store, id: i64, input: &FondsInput) -> Result<i64, Refused> {
    store.fonds(id).await?;
    store.update_fonds(id, &input.parse()?).await?;
    Ok(id)
}

pub async fn create_inventory(store: &Store, fonds_id: i64, input: &InventoryInput) -> Result<i64, Refused> {
    store.fonds(fonds_id).await?;
    Ok(store.create_inventory(fonds_id, &input.parse()?).await?)
}

pub async fn update_inventory(store: &Store, id: i64, input: &InventoryInput) -> Result<i64, Refused> {
    store.inventory(id).await?;
    store.update_inventory(id, &input.parse()?).await?;
    Ok(id)
}

pub async fn create_dossier(store: &Store, inventory_id: i64, input: &DossierInput) -> Result<i64, Refused> {
    let (_, _, context) = store.dossier_context(inventory_id).await?;
    Ok(store.create_dossier(inventory_id, &input.parse(&context)?).await?)
}

pub async fn update_dossier(store: &Store, id: i64, input: &DossierInput) -> Result<i64, Refused> {
    let dossier = store.dossier(id).await?;
    let (_, _, context) = store.dossier_context(dossier.inventory_id).await?;
    store.update_dossier(id, &input.parse(&context)?).await?;
    Ok(id)
}

pub async fn create_document(store: &Store, dossier_id: i64, input: &DocumentInput) -> Result<i64, Refused> {
    store.dossier(dossier_id).await?;
    Ok(store.create_document(dossier_id, &input.parse()?).await?)
}

pub async fn update_document(store: &Store, id: i64, input: &DocumentInput) -> Result<i64, Refused> {
    store.document(id).await?;
    store.update_document(id, &input.parse()?).await?;
    Ok(id)
}
