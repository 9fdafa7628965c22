//! Reading a plan folder from disk: the four CSV files, each checked for presence, size and
//! encoding before the model parses them.

use anyhow::{Context, Result};
use kho_model::plan::{COMMUNES_FILE, DISTRICTS_FILE, META_FILE, Plan, PlanFiles, PlanProblem, TASKS_FILE};
use std::path::Path;

/// No plan appendix is anywhere near this; a larger file is a mistake, not a plan.
const MAX_FILE_BYTES: u64 = 10 * 1024 * 1024;

fn read_one(dir: &Path, name: &str) -> Result<Result<String, PlanProblem>> {
    let path = dir.join(name);
    let problem = |code, message: String| Ok(Err(PlanProblem { file: name.into(), row: 0, column: None, code, message }));
    let metadata = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(_) => return problem("missing_file", format!("không có tệp {} trong thư mục {}.", name, dir.display())),
    };
    if metadata.len() > MAX_FILE_BYTES {
        return problem("file_too_large", format!("tệp lớn {} byte, vượt giới hạn {} byte.", metadata.len(), MAX_FILE_BYTES));
    }
    let bytes = std::fs::read(&path).with_context(|| format!("không đọc được {}", path.display()))?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Ok(text)),
        Err(_) => problem("not_utf8", "tệp không phải văn bản UTF-8; hãy lưu lại dưới dạng CSV UTF-8.".into()),
    }
}

/// The plan in `dir`, or every problem found in it.
pub fn read(dir: &Path) -> Result<Result<Plan, Vec<PlanProblem>>> {
    if !dir.is_dir() {
        anyhow::bail!("{} không phải là thư mục", dir.display());
    }
    let mut problems = Vec::new();
    let mut texts = Vec::new();
    for name in [META_FILE, DISTRICTS_FILE, COMMUNES_FILE, TASKS_FILE] {
        match read_one(dir, name)? {
            Ok(text) => texts.push(text),
            Err(problem) => {
                problems.push(problem);
                texts.push(String::new());
            }
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(Plan::parse(&PlanFiles { meta: &texts[0], districts: &texts[1], communes: &texts[2], tasks: &texts[3] }))
}
