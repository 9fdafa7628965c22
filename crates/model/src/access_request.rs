//! Khai thác: a reader's phiếu yêu cầu khai thác (TT 05/2025, Chương VI) — who asks, for what
//! purpose and topic, in which of the four forms, for how many days, and which hồ sơ — and what
//! becomes of each hồ sơ asked for. A hồ sơ in public use (mode 01) is granted as it is asked for;
//! one under conditional use (mode 02) waits for a Lãnh đạo, who grants it or refuses it with a
//! reason. Nothing else can be asked for, and asking does not reveal whether it exists.

use crate::error::FieldError;

crate::codes::code_list! {
    /// Mục đích khai thác (TT05 `purpose`).
    Purpose {
        Personal = "01": "Cá nhân",
        Official = "02": "Công vụ",
        SpecialOfficial = "03": "Công vụ đặc biệt",
    }
}

crate::codes::code_list! {
    /// The four forms a reader is given (TT 05/2025, Điều 38–42).
    Output {
        ReadView = "ban_doc": "Bản đọc (xem trên trình duyệt, không tải về)",
        Copy = "ban_sao": "Bản sao không xác thực (có dấu BẢN SAO)",
        CertifiedCopy = "ban_sao_xac_thuc": "Bản sao có xác thực (ký số)",
        Package = "goi_khai_thac": "Bản sao có xác thực dạng gói khai thác (DIP)",
    }
}

crate::codes::code_list! {
    /// Where a hồ sơ asked for stands.
    ItemState {
        Pending = "cho_duyet": "Chờ lãnh đạo duyệt",
        Granted = "duoc_khai_thac": "Được khai thác",
        Refused = "tu_choi": "Không được khai thác",
    }
}

/// Longest a bản đọc may be read, or a copy downloaded, after the grant (TT 05/2025).
pub const MAX_DAYS: u32 = 15;
/// Most hồ sơ one phiếu may ask for.
pub const MAX_DOSSIERS: usize = 50;

/// A phiếu as the reader wrote it, every field checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestForm {
    pub reader_name: String,
    pub organisation: String,
    pub identity_no: String,
    pub purpose: Purpose,
    /// The fee category, 01–10, or empty.
    pub fee_category: String,
    pub topic: String,
    pub output: Output,
    pub days: u32,
    /// The mã hồ sơ asked for, each once, in the order written.
    pub codes: Vec<String>,
}

impl RequestForm {
    /// The phiếu from its fields as typed; every problem named by field. `codes` may separate the
    /// mã hồ sơ by lines, commas or semicolons.
    #[allow(clippy::too_many_arguments)]
    pub fn checked(
        reader_name: &str,
        organisation: &str,
        identity_no: &str,
        purpose: &str,
        fee_category: &str,
        topic: &str,
        output: &str,
        days: &str,
        codes: &str,
    ) -> Result<RequestForm, Vec<FieldError>> {
        let mut problems = vec![];
        let text = |field: &str, label: &str, value: &str, longest: usize, required: bool, problems: &mut Vec<FieldError>| {
            let value = crate::text::clean(value);
            if required && value.is_empty() {
                problems.push(FieldError::required(field, label));
            } else if value.chars().count() > longest {
                problems.push(FieldError::new(field, "too_long", format!("{label}: tối đa {longest} ký tự.")));
            }
            value
        };
        let reader_name = text("readerName", "Họ và tên người khai thác", reader_name, 200, true, &mut problems);
        let identity_no = text("identityNo", "Số định danh cá nhân (căn cước, hộ chiếu)", identity_no, 30, true, &mut problems);
        if !identity_no.is_empty() && !identity_no.chars().all(|c| c.is_ascii_alphanumeric()) {
            problems.push(FieldError::new("identityNo", "invalid", "Số định danh cá nhân: chỉ gồm chữ số và chữ cái, không dấu cách."));
        }
        let purpose = Purpose::parse_field("purpose", "Mục đích khai thác", purpose).map_err(|e| problems.push(e)).ok();
        let organisation = text(
            "organisation",
            "Cơ quan, tổ chức (bắt buộc khi khai thác vì công vụ)",
            organisation,
            300,
            purpose.is_some_and(|p| p != Purpose::Personal),
            &mut problems,
        );
        let fee_category = match fee_category.trim().parse::<u32>() {
            _ if fee_category.trim().is_empty() => String::new(),
            Ok(n) if (1..=10).contains(&n) && fee_category.trim().len() <= 2 => format!("{n:02}"),
            _ => {
                problems.push(FieldError::new(
                    "feeCategory",
                    "unknown_code",
                    format!("Đối tượng thu phí “{}”: mã từ 01 đến 10, hoặc để trống.", fee_category.trim()),
                ));
                String::new()
            }
        };
        let topic = text("topic", "Nội dung, đề tài nghiên cứu", topic, 1000, true, &mut problems);
        let output = Output::parse_field("output", "Hình thức khai thác", output).map_err(|e| problems.push(e)).ok();
        let days = match days.trim() {
            "" => Some(MAX_DAYS),
            typed => match typed.parse::<u32>() {
                Ok(n) if (1..=MAX_DAYS).contains(&n) => Some(n),
                _ => {
                    problems.push(FieldError::new(
                        "days",
                        "out_of_range",
                        format!("Thời hạn khai thác “{typed}”: từ 1 đến {MAX_DAYS} ngày."),
                    ));
                    None
                }
            },
        };
        let mut seen = std::collections::HashSet::new();
        let codes: Vec<String> =
            codes.split(['\n', ',', ';']).map(crate::text::clean).filter(|c| !c.is_empty()).filter(|c| seen.insert(c.clone())).collect();
        if codes.is_empty() {
            problems.push(FieldError::required("codes", "Mã hồ sơ cần khai thác"));
        } else if codes.len() > MAX_DOSSIERS {
            problems.push(FieldError::new("codes", "too_many", format!("Mỗi phiếu tối đa {MAX_DOSSIERS} hồ sơ; đã ghi {}.", codes.len())));
        } else if let Some(long) = codes.iter().find(|c| c.chars().count() > 100) {
            problems.push(FieldError::new(
                "codes",
                "too_long",
                format!("Mã hồ sơ “{}…” quá dài.", long.chars().take(30).collect::<String>()),
            ));
        }
        match (purpose, output, days) {
            (Some(purpose), Some(output), Some(days)) if problems.is_empty() => {
                Ok(RequestForm { reader_name, organisation, identity_no, purpose, fee_category, topic, output, days, codes })
            }
            _ => Err(problems),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phiếu_is_taken_as_written_and_every_problem_is_named_by_its_field() {
        let form = RequestForm::checked(
            "Lò Văn Pọm",
            "",
            "011090001234",
            "1",
            "3",
            "Lịch sử bản Co Mận",
            "ban_doc",
            "",
            "X27.2019.15.1\nX27.2019.16.1; X27.2019.15.1",
        )
        .unwrap();
        assert_eq!((form.purpose, form.fee_category.as_str(), form.days), (Purpose::Personal, "03", MAX_DAYS));
        assert_eq!(form.codes, ["X27.2019.15.1", "X27.2019.16.1"]);
        let problems = RequestForm::checked("", "", "0110 9000", "02", "11", "", "in_ra", "16", "").unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(fields, ["readerName", "identityNo", "organisation", "feeCategory", "topic", "output", "days", "codes"]);
        assert!(problems.iter().all(|p| !p.message.is_empty()));
        let many = (0..=MAX_DOSSIERS).map(|i| format!("X27.2019.{i}.1")).collect::<Vec<_>>().join("\n");
        let problems = RequestForm::checked("A", "UBND xã", "0123", "02", "", "Đề tài", "ban_sao", "15", &many).unwrap_err();
        assert_eq!(problems[0].code, "too_many");
    }
}
