//! `kho`: the one binary. Parses the command line into a configuration, wires the catalogue,
//! the web server and the commands, and prints errors once, in Vietnamese, with an exit code.

mod accounts;
mod backup;
mod bench;
mod bench_ocr;
mod bench_preservation;
mod bench_search;
mod bench_uploads;
mod demo;
mod digitization;
mod fixity;
mod import;
mod package;
mod plan_files;
mod progress;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use kho_store::Store;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

/// Kho — phần mềm quản lý tài liệu lưu trữ: tiếp nhận, chỉnh lý, số hóa, bảo quản, tra cứu và
/// bàn giao, theo TT 05/2025/TT-BNV.
#[derive(Parser)]
#[command(name = "kho", version, about, long_about = None)]
struct Cli {
    /// Thư mục dữ liệu (cơ sở dữ liệu SQLite mặc định và các tệp).
    #[arg(long, global = true, env = "KHO_DATA_DIR", default_value = "./data")]
    data_dir: PathBuf,
    /// Địa chỉ cơ sở dữ liệu, ví dụ postgres://kho@127.0.0.1/kho. Bỏ trống: SQLite trong thư mục dữ liệu.
    #[arg(long, global = true, env = "KHO_DATABASE_URL")]
    database_url: Option<String>,
    /// Thư mục chỉ mục tra cứu của máy chủ này (dữ liệu dẫn xuất, dựng lại được từ cơ sở dữ liệu).
    /// Bỏ trống: THƯ_MỤC_DỮ_LIỆU/search. Nhiều máy chủ dùng chung một cơ sở dữ liệu: mỗi máy một thư mục.
    #[arg(long, global = true, env = "KHO_SEARCH_DIR")]
    search_dir: Option<PathBuf>,
    /// Tệp khóa xác thực nhật ký hệ thống (HMAC), ngoài cơ sở dữ liệu; các điểm kiểm tra nhật ký
    /// được ghi thêm vào audit-checkpoints.log cạnh nó. Bỏ trống: THƯ_MỤC_DỮ_LIỆU/keys/audit.key
    /// (tạo khi chưa có). Mọi tiến trình kho dùng chung một cơ sở dữ liệu phải dùng cùng khóa này.
    #[arg(long, global = true, env = "KHO_AUDIT_KEY_FILE")]
    audit_key_file: Option<PathBuf>,
    /// Tệp khóa mã hóa nội dung tài liệu mật (AES-256). Bỏ trống: THƯ_MỤC_DỮ_LIỆU/keys/content.key nếu có;
    /// chế độ mạng LAN độc lập bắt buộc ghi rõ và đặt ngoài thư mục dữ liệu. Sao lưu riêng: mất khóa
    /// thì không đọc được nội dung mật.
    #[arg(long, global = true, env = "KHO_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// Máy chủ lưu trữ đối tượng tương thích S3 (ví dụ Garage: http://127.0.0.1:3900). Bỏ trống:
    /// tệp lưu trong THƯ_MỤC_DỮ_LIỆU/blobs. Khóa truy cập đọc từ KHO_S3_ACCESS_KEY_ID và
    /// KHO_S3_SECRET_ACCESS_KEY.
    #[arg(long, global = true, env = "KHO_S3_ENDPOINT")]
    s3_endpoint: Option<String>,
    /// Tên bucket trên máy chủ S3.
    #[arg(long, global = true, env = "KHO_S3_BUCKET", default_value = "kho")]
    s3_bucket: String,
    /// Bản thứ hai của mọi tệp dữ liệu, giữ đồng bộ: một thư mục trên ổ đĩa khác. Mỗi tệp được ghi
    /// vào cả hai nơi trước khi cơ sở dữ liệu ghi nhận; tệp mất hoặc hỏng ở một nơi được chép lại
    /// từ nơi kia khi đọc và khi kiểm tra (kho verify, lịch kiểm tra hằng ngày của kho serve).
    #[arg(long, global = true, env = "KHO_REPLICA_DIR", conflicts_with = "replica_s3_bucket")]
    replica_dir: Option<PathBuf>,
    /// Bản thứ hai trong một bucket khác trên máy chủ S3 (cùng địa chỉ và khóa truy cập). Với
    /// Garage chạy hệ số sao chép 3, bản thứ hai đã có sẵn trong cụm: không cần tùy chọn này.
    #[arg(long, global = true, env = "KHO_REPLICA_S3_BUCKET", requires = "s3_endpoint")]
    replica_s3_bucket: Option<String>,
    /// API quản trị của cụm Garage (ví dụ http://127.0.0.1:3903), khi chính cụm giữ bản thứ hai
    /// (replication_factor ≥ 2): Kho hỏi tình trạng cụm mỗi ngày và trên trang Bảo quản. Mã quản
    /// trị đọc từ biến môi trường KHO_S3_ADMIN_TOKEN.
    #[arg(long, global = true, env = "KHO_S3_ADMIN_ENDPOINT", requires = "s3_endpoint")]
    s3_admin_endpoint: Option<String>,
    /// Vùng (region) khai báo trên máy chủ S3; Garage mặc định là "garage".
    #[arg(long, global = true, env = "KHO_S3_REGION", default_value = "garage")]
    s3_region: String,
    /// Tệp PKCS#12 (.p12, .pfx) chứa khóa ký số của cơ quan số hóa; mật khẩu đọc từ biến môi
    /// trường KHO_SIGN_P12_PASSWORD. Mỗi bản PDF/A được ký số (PAdES) bằng khóa này.
    #[arg(long, global = true, env = "KHO_SIGN_P12")]
    sign_p12: Option<PathBuf>,
    /// Thư viện PKCS#11 của token ký số (ví dụ /usr/lib/softhsm/libsofthsm2.so); mã PIN đọc từ
    /// biến môi trường KHO_SIGN_PKCS11_PIN.
    #[arg(long, global = true, env = "KHO_SIGN_PKCS11_MODULE", conflicts_with = "sign_p12")]
    sign_pkcs11_module: Option<PathBuf>,
    /// Chuẩn PDF/A của bản số hóa: 2b (mặc định) hoặc 1b.
    #[arg(long, global = true, env = "KHO_PDFA", default_value = "2b")]
    pdfa: String,
    /// Tên cơ quan số hóa, ghi vào siêu dữ liệu PDF/A và khối chữ ký số.
    #[arg(long, global = true, env = "KHO_ORGANISATION")]
    organisation: Option<String>,
    /// Nhãn (label) của token ký số.
    #[arg(long, global = true, env = "KHO_SIGN_PKCS11_TOKEN", requires = "sign_pkcs11_module")]
    sign_pkcs11_token: Option<String>,
    /// Chứng thư tin cậy khi nhận gói bàn giao: tệp PEM/DER hoặc thư mục các tệp đó (chứng thư của
    /// cơ quan chứng thực, hoặc của chính cơ quan ký). Khi có, chữ ký trên mọi bản số hóa nhận
    /// được phải do một chứng thư trong đó (hoặc do nó cấp) ký; khi không có, chữ ký chỉ được
    /// kiểm tra về toàn vẹn và biên bản ghi là chưa đối chiếu.
    #[arg(long, global = true, env = "KHO_TRUSTED_CERTS")]
    trusted_certs: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Chạy máy chủ web: giao diện tiếng Việt và API JSON tại /api/v1/.
    Serve {
        /// Địa chỉ lắng nghe.
        #[arg(long, env = "KHO_LISTEN", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Nạp dữ liệu mẫu của tỉnh Điện Biên (kế hoạch 2026–2035, vài phông mẫu và các tài khoản mẫu
        /// với mật khẩu ngẫu nhiên, ghi vào THƯ_MỤC_DỮ_LIỆU/demo-accounts.txt) nếu kho còn trống.
        #[arg(long)]
        demo: bool,
        /// Chế độ mạng LAN độc lập cho tài liệu mật (xem README): tắt mọi kết nối ra ngoài.
        #[arg(long, env = "KHO_ENCLAVE")]
        enclave: bool,
        /// Đánh dấu cookie Secure (khi Kho chạy sau HTTPS).
        #[arg(long, env = "KHO_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Số việc số hóa chạy ngay trong máy chủ (0: chỉ dùng các tiến trình “kho worker” riêng).
        #[arg(long, env = "KHO_WORKERS", default_value_t = 1)]
        workers: usize,
        /// Số kết nối giữ cùng lúc (tối đa một nửa giới hạn tệp mở). Khi đủ, kết nối mới thay kết nối
        /// đang rảnh lâu nhất; kết nối đang xử lý yêu cầu không bao giờ bị cắt.
        #[arg(long, env = "KHO_MAX_CONNECTIONS", default_value_t = 2048, value_parser = clap::value_parser!(u32).range(1..))]
        max_connections: u32,
        /// Số giây trình duyệt có để gửi xong phần đầu (header) của một yêu cầu, hoặc để bắt đầu yêu
        /// cầu tiếp theo trên cùng kết nối; quá hạn thì kết nối bị đóng.
        #[arg(long, env = "KHO_HEADER_TIMEOUT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
        header_timeout: u64,
        /// Số giây tối đa cho một yêu cầu thông thường, kể cả nhận nội dung gửi lên (trừ tải tệp lên
        /// và nhập mục lục).
        #[arg(long, env = "KHO_REQUEST_TIMEOUT", default_value_t = 120, value_parser = clap::value_parser!(u64).range(1..))]
        request_timeout: u64,
        /// Kiểm tra toàn vẹn hằng ngày: mỗi ngày một phần, để mọi tệp dữ liệu (ở mọi bản) được băm lại
        /// trong chừng ấy ngày (tối đa 1.095 ngày, tức 3 năm; 0: không chạy lịch, dùng kho verify).
        #[arg(long, env = "KHO_FIXITY_PERIOD_DAYS", default_value_t = 365, value_parser = clap::value_parser!(u32).range(0..=1095))]
        fixity_period_days: u32,
    },
    /// Tạo thư mục dữ liệu và cơ sở dữ liệu (hoặc nâng cấp lược đồ) rồi thoát.
    Init,
    /// Kế hoạch chỉnh lý, số hóa của tỉnh.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Tài khoản người dùng.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Mã truy cập API (bearer token).
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Chỉ mục tra cứu toàn văn (mục lục, văn bản, chữ nhận dạng của từng trang).
    Search {
        #[command(subcommand)]
        command: SearchCommand,
    },
    /// Báo cáo kết quả thực hiện kế hoạch, số liệu lấy từ cơ sở dữ liệu.
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Gói thông tin theo TT 05/2025 (E-ARK) của hồ sơ đã số hóa: nộp lưu (SIP), lưu trữ (AIP), khai thác (DIP).
    Package {
        #[command(subcommand)]
        command: PackageCommand,
    },
    /// Nhật ký hệ thống.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Nhập dữ liệu từ tệp của đơn vị làm chỉnh lý.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Bảng thời hạn bảo quản.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
    /// Khóa mã hóa nội dung tài liệu mật.
    Key {
        #[command(subcommand)]
        command: KeyCommand,
    },
    /// Lô số hóa.
    Batch {
        #[command(subcommand)]
        command: BatchCommand,
    },
    /// Nhận các tệp quét (TIFF, JPEG, PNG, PDF, hoặc tệp zip chứa chúng) từ thư mục của máy quét
    /// vào một lô số hóa. Tệp đặt tên theo TT 05/2025 (<mã hồ sơ>.<STT>.tif) hoặc ghi trong tệp
    /// danh sách (--manifest: tệp,mã hồ sơ,STT). Liệt kê tệp không xác định được hồ sơ hoặc bị từ chối.
    Ingest {
        /// Thư mục chứa tệp quét.
        dir: PathBuf,
        /// Số lô số hóa.
        #[arg(long)]
        batch: i64,
        /// Tệp CSV: tệp,mã hồ sơ,STT (dòng đầu là tiêu đề).
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// Người nhận (ghi vào từng tệp).
        #[arg(long = "as", default_value = "kho ingest")]
        user: String,
    },
    /// Chạy dây chuyền số hóa: kiểm tra ảnh, nhận dạng chữ, lập PDF/A. Chạy được nhiều tiến trình,
    /// trên nhiều máy (với PostgreSQL); tiến trình bị dừng đột ngột không làm mất việc.
    Worker {
        /// Số việc làm song song (mặc định: số nhân CPU).
        #[arg(long)]
        jobs: Option<usize>,
        /// Dừng khi hết việc trong hàng đợi.
        #[arg(long)]
        until_idle: bool,
        /// Thời hạn giữ một việc (giây): tiến trình chết thì sau thời hạn này việc được làm lại.
        #[arg(long, env = "KHO_WORKER_LEASE", default_value_t = 120)]
        lease: i64,
    },
    /// Kiểm tra toàn vẹn: đọc lại và tính lại SHA-256 của mọi tệp dữ liệu; báo tệp mất, tệp hỏng.
    /// Lần kiểm tra bị ngắt sẽ được tiếp tục.
    Verify {
        /// Bắt đầu lại từ đầu thay vì tiếp tục lần dở dang.
        #[arg(long)]
        restart: bool,
        /// Chỉ kiểm tra chừng ấy tệp lần này, lần sau tiếp tục (chạy hằng ngày: toàn bộ kho được
        /// kiểm tra sau tổng số tệp / N ngày).
        #[arg(long)]
        limit: Option<u64>,
        /// Tệp mất hoặc hỏng được chép lại từ bản sao lưu này (thư mục của kho backup --to).
        #[arg(long)]
        repair_from: Option<PathBuf>,
    },
    /// Sao lưu cơ sở dữ liệu và mọi tệp dữ liệu vào THƯ_MỤC khi Kho vẫn đang chạy: mỗi lần một
    /// thư mục con theo giờ; tệp dữ liệu chỉ chép phần mới (gia tăng); ghi nhat-ky-sao-luu.csv.
    Backup {
        /// Thư mục sao lưu (nên ở ổ đĩa hoặc máy khác).
        #[arg(long)]
        to: PathBuf,
        /// Sao lưu đầy đủ (hằng tháng): bản này giữ riêng một bản chép mọi tệp dữ liệu, tự đủ để
        /// khôi phục dù các bản khác mất. Không có: sao lưu gia tăng (hằng ngày), chỉ chép tệp mới
        /// vào THƯ_MỤC/blobs dùng chung.
        #[arg(long)]
        full: bool,
    },
    /// Khôi phục một bản sao lưu (THƯ_MỤC/YYYYMMDD-HHMMSS) vào --data-dir mới (hoặc vào
    /// --database-url PostgreSQL trống); kiểm tra SHA-256 của từng tệp.
    Restore {
        /// Thư mục của bản sao lưu.
        #[arg(long)]
        from: PathBuf,
    },
    /// Đo hiệu năng (chạy bằng tay; in số liệu).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
}

#[derive(Subcommand)]
enum BatchCommand {
    /// Tạo lô số hóa cho một đơn vị với các hồ sơ của một phông (--fonds) hoặc các hồ sơ nêu tên
    /// (--ho-so); hồ sơ được xếp thứ tự theo ưu tiên của kế hoạch. In số lô.
    Create {
        /// Đơn vị (tên như trong kế hoạch, hoặc số).
        #[arg(long)]
        unit: String,
        /// Tên lô.
        #[arg(long)]
        name: String,
        /// Loại tài liệu gốc: text (văn bản hành chính, ≥ 200 dpi, quét màu), mono (văn bản đen trắng), colour (có màu),
        /// map (bản đồ, bản vẽ: ≥ 300 dpi, màu).
        #[arg(long, default_value = "text")]
        kind: String,
        /// Mã phông: mọi hồ sơ của phông.
        #[arg(long)]
        fonds: Option<String>,
        /// Mã hồ sơ; lặp lại được.
        #[arg(long = "ho-so")]
        dossiers: Vec<String>,
    },
    /// Xuất mọi bản PDF/A đã ký của lô vào THƯ_MỤC (mỗi hồ sơ một tệp, tên theo mã hồ sơ) kèm
    /// manifest.csv (SHA-256, số trang, thời gian ký); chạy lại thì tiếp tục phần còn thiếu.
    Export {
        /// Số lô số hóa.
        batch: i64,
        /// Thư mục nhận tệp.
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Subcommand)]
enum PlanCommand {
    /// Nạp kế hoạch từ một thư mục CSV (ke-hoach.csv, districts.csv, communes.csv, tasks.csv),
    /// thay cho kế hoạch đang có. Kiểm tra từng ô; có lỗi thì không nạp gì. Các chỗ số liệu
    /// không khớp (tổng ghi trong kế hoạch so với cộng các dòng, làm tròn) được báo, không bị bỏ qua.
    Import {
        /// Thư mục chứa các tệp CSV.
        dir: PathBuf,
        /// Chỉ kiểm tra, không nạp.
        #[arg(long)]
        dry_run: bool,
    },
    /// Nạp định mức kinh phí từ tệp CSV (cột ma, gia_tri, có thể thêm nguon) như trang Kinh phí
    /// xuất ra (Tải định mức). Định mức không có trong tệp giữ giá trị đang dùng. Có dòng sai thì
    /// không nạp gì.
    Norms {
        /// Tệp CSV, UTF-8.
        file: PathBuf,
        /// Chỉ kiểm tra, không nạp.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Thêm tài khoản. Mật khẩu được hỏi hai lần (hoặc đọc một dòng từ đầu vào chuẩn); không có
    /// mật khẩu mặc định. Tài khoản quản trị đầu tiên: kho user add TÊN --admin.
    Add {
        /// Tên đăng nhập.
        username: String,
        /// Vai trò Quản trị hệ thống (không tự động được xem tài liệu mật).
        #[arg(long, conflicts_with = "role")]
        admin: bool,
        /// Vai trò: quan_tri, lanh_dao, luu_tru_vien, nhan_vien_so_hoa, doc_gia.
        #[arg(long, default_value = "luu_tru_vien")]
        role: String,
        /// Họ và tên.
        #[arg(long)]
        full_name: Option<String>,
        /// Đơn vị (tên đúng như trong kế hoạch, hoặc số); lặp lại được. Bỏ trống: Trung tâm Lưu trữ lịch sử (mọi đơn vị).
        #[arg(long = "unit")]
        units: Vec<String>,
        /// Độ mật được tiếp cận: 00 không, 01 Mật, 02 Tối mật, 03 Tuyệt mật.
        #[arg(long, default_value = "00")]
        clearance: String,
    },
    /// Liệt kê tài khoản.
    List,
    /// Đặt độ mật được tiếp cận cho một tài khoản, tại máy chủ. Trên giao diện web, quản trị hệ
    /// thống chỉ đề xuất và Lãnh đạo duyệt (không cao hơn độ mật của mình); độ mật Tuyệt mật đầu
    /// tiên được cấp ở đây, bởi người giữ máy chủ.
    Clearance {
        /// Tên đăng nhập.
        username: String,
        /// 00 không, 01 Mật, 02 Tối mật, 03 Tuyệt mật.
        level: String,
    },
    /// Đặt lại mật khẩu một tài khoản, tại máy chủ (hỏi hai lần, hoặc đọc một dòng từ đầu vào chuẩn).
    Password {
        /// Tên đăng nhập.
        username: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Cấp mã truy cập API cho một tài khoản; in mã ra một lần duy nhất.
    Create {
        /// Tài khoản dùng mã.
        #[arg(long)]
        user: String,
        /// Tên gợi nhớ của mã.
        #[arg(long, default_value = "Mã cấp từ dòng lệnh")]
        name: String,
    },
    /// Thu hồi mã truy cập theo số.
    Revoke { id: i64 },
    /// Liệt kê các mã truy cập.
    List,
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Nhập mục lục hồ sơ từ bảng tính (XLSX, XLS, CSV UTF-8 hoặc Windows-1258; chữ TCVN3/VNI được
    /// chuyển sang Unicode). Chạy thử (--dry-run) cho biết Kho hiểu từng dòng thế nào và mọi lỗi theo
    /// trang tính, dòng, cột; nhập thật là tất cả hoặc không gì cả. Mã thoát khác 0 khi có lỗi.
    Mucluc {
        /// Tệp bảng tính.
        file: PathBuf,
        /// Mã phông nhận mục lục.
        #[arg(long)]
        fonds: String,
        /// Mục lục số; bỏ trống: lấy từ dòng “Mục lục số: …” trong tệp, hoặc 1.
        #[arg(long = "muc-luc")]
        inventory: Option<u32>,
        /// Chỉ kiểm tra, không ghi gì.
        #[arg(long)]
        dry_run: bool,
        /// In báo cáo dạng JSON (các hồ sơ đã đọc và các lỗi: sheet, row, column, code, message).
        #[arg(long)]
        json: bool,
        /// Tài khoản thực hiện (cần quyền ghi hồ sơ với phông này), bắt buộc khi nhập thật.
        #[arg(long = "as")]
        user: Option<String>,
    },
}

#[derive(Subcommand)]
enum RetentionCommand {
    /// Thay toàn bộ bảng thời hạn bằng tệp CSV (cột: source, group, item_no, title, retention,
    /// retention_years, retention_code, confidence). Có lỗi thì không thay gì.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Tạo khóa mới (quyền 600) tại --key-file hoặc THƯ_MỤC_DỮ_LIỆU/keys/content.key; không ghi đè khóa đã có.
    Init,
}

#[derive(Subcommand)]
enum SearchCommand {
    /// Dựng lại chỉ mục từ cơ sở dữ liệu (kèm thanh tiến độ). Máy chủ đang chạy tự cập nhật chỉ
    /// mục của nó; lệnh này dùng khi máy chủ dừng, hoặc cho thư mục chỉ mục khác (--search-dir).
    Reindex,
}

#[derive(Subcommand)]
enum ReportCommand {
    /// Báo cáo năm (trước 15/12): của Sở Nội vụ gửi UBND tỉnh (mọi đơn vị của kế hoạch), hoặc với
    /// --unit của một xã, phường gửi Sở Nội vụ; DOCX để sửa và ký, hoặc PDF.
    Annual {
        /// Năm báo cáo.
        #[arg(long)]
        year: i32,
        /// Đơn vị báo cáo: số định danh trong Kho, mã định danh điện tử, mã đơn vị hành chính hoặc tên.
        #[arg(long)]
        unit: Option<String>,
        /// docx hoặc pdf.
        #[arg(long, default_value = "docx")]
        format: String,
        /// Tệp ghi ra.
        #[arg(short, long)]
        output: PathBuf,
        /// Khó khăn, vướng mắc (mỗi dòng một đoạn); để trống thì bản DOCX để dòng chấm.
        #[arg(long, default_value = "")]
        difficulties: String,
        /// Đề xuất, kiến nghị.
        #[arg(long, default_value = "")]
        proposals: String,
    },
}

#[derive(Subcommand)]
enum PackageCommand {
    /// Lập gói ra tệp ZIP.
    Export {
        #[command(subcommand)]
        kind: ExportKind,
    },
    /// Nhận một gói (ZIP) từ Kho khác, khi bàn giao: kiểm tra toàn bộ gói, đọc hồ sơ và văn bản như
    /// nhập từ biểu mẫu, rồi tạo hồ sơ, văn bản và bản số hóa trong một giao dịch. Liệt kê mọi lỗi và
    /// không tạo gì khi gói không đạt; gói đã nhận rồi thì không tạo thêm gì.
    Import {
        /// Tệp ZIP của gói.
        file: PathBuf,
        /// Mã phông nhận hồ sơ (mặc định: phông ghi trong mã gói AIP, hoặc trong mã hồ sơ).
        #[arg(long)]
        phong: Option<String>,
        /// Tài khoản nhận (có quyền ghi hồ sơ vào phông), ghi vào nhật ký hệ thống.
        #[arg(long = "as", value_name = "TÊN_TÀI_KHOẢN")]
        user: String,
    },
    /// Kiểm tra một gói nhận được (ZIP): một thư mục gốc, không đường dẫn ra ngoài, METS đọc được,
    /// mọi tệp METS ghi có đủ với đúng kích thước và SHA-256, không tệp nào METS không ghi. Liệt kê
    /// mọi lỗi; mã thoát 1 khi gói không đạt.
    Check {
        /// Tệp ZIP của gói.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum ExportKind {
    /// Gói nộp lưu (SIP_hoso) của một hồ sơ đã số hóa, để bàn giao cho kho lưu trữ (nhận bằng
    /// `kho package import`): siêu dữ liệu hồ sơ và từng văn bản, bản PDF/A đã ký, PREMIS.
    Sip {
        #[command(flatten)]
        dossier: ExportDossier,
    },
    /// Gói lưu trữ (AIP_hoso) của một hồ sơ đã số hóa: siêu dữ liệu hồ sơ và từng văn bản, bản
    /// PDF/A đã ký, PREMIS các sự kiện.
    Aip {
        #[command(flatten)]
        dossier: ExportDossier,
    },
    /// Gói khai thác (DIP) của một hồ sơ đã số hóa, cung cấp cho người khai thác theo phiếu yêu cầu.
    Dip {
        #[command(flatten)]
        dossier: ExportDossier,
        /// Số phiếu yêu cầu khai thác.
        #[arg(long)]
        request: String,
        /// Ngày yêu cầu (DD/MM/YYYY; mặc định hôm nay).
        #[arg(long)]
        request_date: Option<String>,
        /// Mục đích: 01 cá nhân, 02 công vụ, 03 công vụ đặc biệt.
        #[arg(long)]
        purpose: String,
        /// Nội dung mục đích.
        #[arg(long, default_value = "")]
        purpose_content: String,
        /// Đối tượng thu phí (01–10).
        #[arg(long, default_value = "")]
        fee: String,
        /// Chủ đề nghiên cứu.
        #[arg(long, default_value = "")]
        topic: String,
    },
}

#[derive(clap::Args)]
struct ExportDossier {
    /// Mã hồ sơ (hoặc số định danh của hồ sơ trong Kho).
    ho_so: String,
    /// Tệp ZIP ghi ra.
    #[arg(short, long)]
    output: PathBuf,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Kiểm tra nhật ký: chuỗi mã băm, mã xác thực của từng bản ghi và các điểm kiểm tra; báo bản
    /// ghi đầu tiên bị sửa, xóa, đổi chỗ, tính lại, hoặc nhật ký bị cắt ngắn.
    Verify,
    /// Ghi một điểm kiểm tra nhật ký (số bản ghi, mã băm cuối, có chữ ký) ngay bây giờ;
    /// kho serve tự ghi khi khởi động và 15 phút một lần.
    Checkpoint,
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Tra cứu: một kho văn bản tổng hợp (~2 KB chữ mỗi văn bản, theo hạt giống), lập chỉ mục bằng
    /// Kho, SQLite FTS5 và (cho --postgres) PostgreSQL FTS; thời gian dựng, dung lượng, p50/p95/p99,
    /// độ trùng top 10, precision@10 và nDCG@10 trên bộ truy vấn có đáp án.
    Search {
        /// Số văn bản.
        #[arg(long, default_value_t = 1_000_000)]
        documents: u64,
        /// Số lần chạy mỗi truy vấn.
        #[arg(long, default_value_t = 5)]
        repeat: u32,
        /// PostgreSQL để so sánh (một cơ sở dữ liệu thử; bảng kho_bench_docs được tạo rồi xóa).
        #[arg(long)]
        postgres: Option<String>,
        /// Giữ các chỉ mục đã dựng trong --data-dir để lần chạy sau dùng lại (đo riêng truy vấn).
        #[arg(long)]
        keep: bool,
    },
    /// Thêm hồ sơ và văn bản vào một kho trống, rồi đo thời gian liệt kê một mục lục qua HTTP.
    Catalogue {
        /// Số hồ sơ.
        #[arg(long, default_value_t = 100_000)]
        dossiers: u64,
        /// Số văn bản.
        #[arg(long, default_value_t = 1_000_000)]
        documents: u64,
        /// Số hồ sơ lấy trong một lần liệt kê (truy vấn và API).
        #[arg(long, default_value_t = 5_000)]
        listing: u64,
        /// Số hồ sơ mỗi mục lục (trang mục lục được đo trên mục lục đầu).
        #[arg(long, default_value_t = 5_000)]
        muc_luc: u64,
        /// Số lần gọi liệt kê để tính p50/p95.
        #[arg(long, default_value_t = 50)]
        requests: u32,
    },
    /// Số hóa các trang mẫu qua Kho (1 và 2 worker) và so với tesseract, OCRmyPDF: thời gian,
    /// trang/giây, CER, lỗi dấu, byte/trang, bộ nhớ đỉnh.
    Ocr {
        /// Thư mục các trang mẫu (ảnh kèm tệp .txt chữ đúng).
        #[arg(long, default_value = "crates/digitize/tests/pages")]
        pages: PathBuf,
        /// Số lượt qua bộ trang.
        #[arg(long, default_value_t = 2)]
        rounds: usize,
        /// Đo Kho và tesseract mấy lần, báo trung vị (máy hai nhân dao động vài phần trăm).
        #[arg(long, default_value_t = 1)]
        repeat: usize,
    },
    /// Ghi các tệp cỡ bản quét (hai bản), rồi đo kiểm tra toàn vẹn, sao lưu, khôi phục bên cạnh
    /// sha256sum trên cùng các tệp.
    Preservation {
        /// Tổng dung lượng, MB.
        #[arg(long, default_value_t = 2048)]
        megabytes: u64,
        /// Cỡ mỗi tệp, MB.
        #[arg(long, default_value_t = 8)]
        file_megabytes: u64,
    },
    /// Bàn giao: một hồ sơ có các bản PDF quét đã ký (tổng --megabytes), lập gói SIP rồi nhận vào
    /// một Kho khác; so với sha256sum trên cùng tệp gói.
    Package {
        /// Tổng dung lượng các bản số hóa, MB.
        #[arg(long, default_value_t = 2048)]
        megabytes: u64,
        /// Cỡ mỗi bản PDF, MB.
        #[arg(long, default_value_t = 128)]
        file_megabytes: u64,
    },
    /// Chạy kho serve --demo trên 127.0.0.1 rồi đo: nhiều máy cùng tải tệp lớn lên (bộ nhớ máy chủ),
    /// thời gian từ chối từng tệp độc hại, kiểm tra sức khỏe khi hàng nghìn kết nối gửi dở.
    Uploads {
        /// Số máy gửi cùng lúc.
        #[arg(long, default_value_t = 20)]
        clients: usize,
        /// Cỡ mỗi tệp, MB.
        #[arg(long, default_value_t = 200)]
        megabytes: u64,
        /// Số kết nối gửi dở được giữ khi đo kiểm tra sức khỏe.
        #[arg(long, default_value_t = 10_000)]
        idle: usize,
    },
    /// Tạo một bảng tính mục lục nhiều dòng, rồi đo thời gian chạy thử và nhập thật vào một kho trống.
    Import {
        /// Số dòng hồ sơ.
        #[arg(long, default_value_t = 100_000)]
        rows: u32,
    },
}

/// Page images pass through many threads (tokio's blocking pool), and glibc's malloc gives each
/// thread an arena of its own and keeps there what was freed: a worker's memory grew to more
/// than twice what it works with (275 MiB against 120 in `kho bench ocr`). Two arenas hold it
/// near its working size at no cost in speed. Set before any thread starts.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts the allocator's parameters; no other thread exists yet.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
        // Buffers of a megabyte and more (an upload being checked, a page image) are mapped
        // and given back whole when freed; left to itself glibc raises this threshold after
        // the first large free and keeps later large buffers in its heap.
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

fn main() -> ExitCode {
    limit_malloc_arenas();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("KHO_LOG").unwrap_or_else(|_| "info,sqlx=warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("Lỗi: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Where the audit trail's key is: --audit-key-file, else the data folder's keys/audit.key.
fn audit_key_path(cli: &Cli) -> PathBuf {
    cli.audit_key_file.clone().unwrap_or_else(|| cli.data_dir.join("keys").join("audit.key"))
}

/// This server's search index folder.
fn search_dir(cli: &Cli) -> PathBuf {
    cli.search_dir.clone().unwrap_or_else(|| cli.data_dir.join("search"))
}

async fn open_store(cli: &Cli) -> Result<Store> {
    let store = match &cli.database_url {
        Some(url) => Store::open(url).await,
        None => Store::open_embedded(&cli.data_dir).await,
    };
    let store = store.context("không mở được cơ sở dữ liệu")?;
    // The audit trail is authenticated with a key outside the database (made on first use).
    let key = audit_key_path(cli);
    let store = store.with_audit_seal(kho_store::AuditSeal::load_or_create(&key)?);
    // A new catalogue starts with the retention schedule Kho ships; an administrator replaces it.
    if store.retention_rules().await?.is_empty() {
        let rules = kho_model::retention::parse(kho_model::retention::SHIPPED_CSV).expect("the shipped schedule parses (tested)");
        store.replace_retention(&rules).await?;
    }
    Ok(store)
}

/// The enclave's key is named explicitly and kept outside the data folder it protects: a copy of
/// the data folder (a backup, a stolen disk) must not carry the key that opens it.
fn enclave_key(cli: &Cli) -> Result<()> {
    let Some(key) = &cli.key_file else {
        bail!(
            "chế độ mạng LAN độc lập cần --key-file (hoặc KHO_KEY_FILE) chỉ tới khóa đặt ngoài thư mục dữ liệu; tạo bằng “kho key init --key-file ĐƯỜNG_DẪN”"
        );
    };
    let absolute = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| std::env::current_dir().unwrap_or_default().join(p));
    let (key, data) = (absolute(key), absolute(&cli.data_dir));
    if key.starts_with(&data) {
        bail!(
            "khóa {} nằm trong thư mục dữ liệu {}; hãy chuyển khóa ra ngoài (ví dụ /etc/kho/content.key) rồi chạy lại với --key-file",
            key.display(),
            data.display()
        );
    }
    if !key.exists() {
        bail!("không có khóa tại {}; tạo bằng “kho key init --key-file {}”", key.display(), key.display());
    }
    Ok(())
}

fn key_path(cli: &Cli) -> PathBuf {
    cli.key_file.clone().unwrap_or_else(|| cli.data_dir.join("keys").join("content.key"))
}

/// The blob store in the data folder, with the content key when there is one.
fn open_blobs(cli: &Cli, require_key: bool) -> Result<kho_blobs::Blobs> {
    let path = key_path(cli);
    let key = if path.exists() || cli.key_file.is_some() || require_key {
        Some(
            kho_blobs::ContentKey::load(&path)
                .map_err(|e| anyhow::anyhow!("{e}{}", if path.exists() { "" } else { "; tạo khóa bằng “kho key init”" }))?,
        )
    } else {
        None
    };
    let s3 = |bucket: &str| -> Result<kho_blobs::S3Config> {
        let endpoint = cli.s3_endpoint.clone().context("thiếu địa chỉ máy chủ S3 (--s3-endpoint)")?;
        let secret = |name: &str| std::env::var(name).map_err(|_| anyhow::anyhow!("dùng máy chủ S3 {endpoint} cần biến môi trường {name}"));
        Ok(kho_blobs::S3Config {
            bucket: bucket.to_string(),
            region: cli.s3_region.clone(),
            access_key_id: secret("KHO_S3_ACCESS_KEY_ID")?,
            secret_access_key: secret("KHO_S3_SECRET_ACCESS_KEY")?,
            endpoint,
        })
    };
    let blobs = match &cli.s3_endpoint {
        None => kho_blobs::Blobs::open(&cli.data_dir.join("blobs"), key)?,
        Some(_) => kho_blobs::Blobs::s3(&s3(&cli.s3_bucket)?, key)?,
    };
    let replica = match (&cli.replica_dir, &cli.replica_s3_bucket) {
        (Some(dir), _) => Some(kho_blobs::Blobs::open(dir, None)?),
        (None, Some(bucket)) if *bucket == cli.s3_bucket => bail!("bản thứ hai phải ở bucket khác bucket chính ({bucket})"),
        (None, Some(bucket)) => Some(kho_blobs::Blobs::s3(&s3(bucket)?, None)?),
        (None, None) => None,
    };
    let blobs = match replica {
        Some(replica) => blobs.with_replica(replica),
        None => blobs,
    };
    Ok(match &cli.s3_admin_endpoint {
        Some(endpoint) => {
            let token = std::env::var("KHO_S3_ADMIN_TOKEN")
                .map_err(|_| anyhow::anyhow!("dùng API quản trị {endpoint} cần biến môi trường KHO_S3_ADMIN_TOKEN"))?;
            blobs.with_cluster(kho_blobs::ClusterAdmin { endpoint: endpoint.clone(), token })
        }
        None => blobs,
    })
}

/// How this process's workers make PDF/A: the organisation, the conformance, the signing key
/// (for the demo, when none is configured, its self-signed test certificate).
fn worker_config(cli: &Cli, lease: i64, demo: bool) -> Result<kho_digitize::worker::WorkerConfig> {
    let mut config = kho_digitize::worker::WorkerConfig { lease_seconds: lease.max(2), ..Default::default() };
    if let Some(organisation) = &cli.organisation {
        config.organisation = organisation.clone();
    }
    config.signer = open_signer(cli)?;
    if config.signer.is_none() && demo {
        config.signer = Some(demo::signing_key(&cli.data_dir, &config.organisation).context("không tạo được khóa ký số thử nghiệm")?);
        eprintln!(
            "Bản demo ký PDF/A bằng chứng thư thử nghiệm tự cấp ({}), không có giá trị pháp lý; \
             cơ quan số hóa ký bằng chứng thư số của mình (--sign-p12 hoặc --sign-pkcs11-module).",
            cli.data_dir.join(demo::SIGNING_KEY_FILE).display()
        );
    }
    if config.signer.is_none() {
        eprintln!("Chưa cấu hình khóa ký số (--sign-p12 hoặc --sign-pkcs11-module): bản PDF/A được lập nhưng chưa ký số.");
    }
    config.conformance = match cli.pdfa.as_str() {
        "1b" => kho_digitize::pdfa::Conformance::A1b,
        "2b" => kho_digitize::pdfa::Conformance::A2b,
        other => anyhow::bail!("--pdfa {other}: chọn 2b (mặc định, theo TT 05/2025) hoặc 1b"),
    };
    Ok(config)
}

/// The certificates a package received must chain to (`--trusted-certs`); none when not given.
fn trusted_signers(cli: &Cli) -> Result<kho_digitize::sign::TrustedSigners> {
    match &cli.trusted_certs {
        Some(path) => Ok(kho_digitize::sign::TrustedSigners::load(path)?),
        None => Ok(Default::default()),
    }
}

/// The organisation's signing key, when one is configured.
fn open_signer(cli: &Cli) -> Result<Option<std::sync::Arc<dyn kho_digitize::sign::SigningKey>>> {
    if let Some(path) = &cli.sign_p12 {
        let bytes = std::fs::read(path).with_context(|| format!("không đọc được tệp khóa ký số {}", path.display()))?;
        let password = std::env::var("KHO_SIGN_P12_PASSWORD").unwrap_or_default();
        return Ok(Some(std::sync::Arc::new(kho_digitize::sign::Pkcs12Key::open(&bytes, &password)?)));
    }
    if let Some(module) = &cli.sign_pkcs11_module {
        let token = cli.sign_pkcs11_token.as_deref().context("cần --sign-pkcs11-token NHÃN")?;
        let pin = std::env::var("KHO_SIGN_PKCS11_PIN").context("cần mã PIN của token trong biến môi trường KHO_SIGN_PKCS11_PIN")?;
        return Ok(Some(std::sync::Arc::new(kho_digitize::sign::Pkcs11Key::open(module, token, &pin)?)));
    }
    Ok(None)
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Serve {
            listen,
            demo,
            enclave,
            secure_cookies,
            workers,
            max_connections,
            header_timeout,
            request_timeout,
            fixity_period_days,
        } => {
            // The enclave holds classified content, sealed at rest: no key kept apart, no start.
            if *enclave {
                enclave_key(&cli)?;
            }
            let store = open_store(&cli).await?;
            if *demo {
                demo::load(&store, &cli.data_dir).await.context("không nạp được dữ liệu mẫu")?;
            }
            if store.count_users().await? == 0 {
                eprintln!("Chưa có tài khoản nào: tạo quản trị viên đầu tiên bằng lệnh  kho user add TÊN --admin");
            }
            let blobs = open_blobs(&cli, *enclave).context("chế độ mạng LAN độc lập cần khóa mã hóa nội dung")?;
            let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("không mở được cổng {listen}"))?;
            let line_config = worker_config(&cli, 120, *demo)?;
            let config = kho_web::WebConfig {
                signer: line_config.signer.clone().map(kho_web::Signer),
                secure_cookies: *secure_cookies,
                enclave: *enclave,
                upload_dir: Some(cli.data_dir.join("uploads")),
                max_connections: *max_connections as usize,
                header_timeout: std::time::Duration::from_secs(*header_timeout),
                request_timeout: std::time::Duration::from_secs(*request_timeout),
                organisation: cli.organisation.clone().unwrap_or_else(|| kho_digitize::worker::WorkerConfig::default().organisation),
                trusted_signers: trusted_signers(&cli)?,
                search_dir: Some(search_dir(&cli)),
                ..Default::default()
            };
            // On one machine the server also runs the số hóa line; at scale, `kho worker` does.
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let line = if *workers > 0 {
                let worker = kho_digitize::worker::Worker::new(store.clone(), blobs.clone(), line_config);
                Some(tokio::spawn(std::sync::Arc::new(worker).run(*workers, false, stopped)))
            } else {
                None
            };
            // A checkpoint of the audit trail now and every 15 minutes: truncation and a recomputed
            // trail show against them.
            let checkpoints = {
                let store = store.clone();
                tokio::spawn(async move {
                    let mut every = tokio::time::interval(std::time::Duration::from_secs(15 * 60));
                    loop {
                        every.tick().await;
                        if let Err(e) = store.audit_checkpoint().await {
                            tracing::warn!(error = %e, "audit checkpoint");
                        }
                    }
                })
            };
            // Fixity, a slice a day, mending each copy from the other.
            let fixity =
                (*fixity_period_days > 0).then(|| tokio::spawn(fixity::schedule(store.clone(), blobs.clone(), *fixity_period_days)));
            // Said only once every check has passed.
            tracing::info!(address = %listen, backend = store.backend().name(), "kho serving");
            if *enclave {
                eprintln!("Chế độ mạng LAN độc lập: nội dung tài liệu mật được mã hóa khi lưu; không có kết nối ra ngoài.");
            }
            eprintln!("Kho đang chạy: http://{listen}");
            let state = kho_web::AppState::new(store.clone(), blobs, config);
            // The search index: filled when it never was, then kept fresh from the catalogue's log.
            let freshness = tokio::spawn(state.search.clone().keep_fresh(store.clone(), std::time::Duration::from_secs(2)));
            kho_web::serve(listener, state).await.context("máy chủ web dừng vì lỗi")?;
            freshness.abort();
            checkpoints.abort();
            if let Some(fixity) = fixity {
                fixity.abort();
            }
            let _ = store.audit_checkpoint().await;
            let _ = stop.send(true);
            if let Some(line) = line {
                let _ = line.await;
            }
            store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::Batch { command: BatchCommand::Create { unit, name, kind, fonds, dossiers } } => {
            let store = open_store(&cli).await?;
            let id = digitization::create_batch(&store, unit, name, kind, fonds.as_deref(), dossiers, "kho batch").await?;
            println!("{id}");
            Ok(ExitCode::SUCCESS)
        }
        Command::Batch { command: BatchCommand::Export { batch, to } } => {
            let store = open_store(&cli).await?;
            let blobs = open_blobs(&cli, false)?;
            digitization::export(&store, &blobs, *batch, to).await
        }
        Command::Ingest { dir, batch, manifest, user } => {
            let store = open_store(&cli).await?;
            let blobs = open_blobs(&cli, false)?;
            digitization::ingest(&store, &blobs, dir, *batch, manifest.as_deref(), user).await
        }
        Command::Worker { jobs, until_idle, lease } => {
            let store = open_store(&cli).await?;
            let blobs = open_blobs(&cli, false)?;
            let jobs = jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
            digitization::worker(store, blobs, jobs, *until_idle, worker_config(&cli, *lease, false)?).await
        }
        Command::Backup { to, full } => {
            let store = open_store(&cli).await?;
            let blobs = open_blobs(&cli, false)?;
            backup::backup(&store, &blobs, cli.database_url.as_deref(), to, *full).await
        }
        Command::Restore { from } => {
            let audit_key = audit_key_path(&cli);
            if !audit_key.exists() {
                eprintln!(
                    "Lưu ý: chưa có khóa nhật ký tại {}. Hãy đặt bản sao khóa nhật ký của hệ thống cũ vào đó (hoặc dùng --audit-key-file) trước khi chạy Kho; \
                     nếu không, một khóa mới được tạo và các bản ghi nhật ký cũ không kiểm tra được bằng kho audit verify.",
                    audit_key.display()
                );
            }
            backup::restore(from, &cli.data_dir, cli.database_url.as_deref(), async || {
                Ok((open_store(&cli).await?, open_blobs(&cli, false)?))
            })
            .await
        }
        Command::Verify { restart, limit, repair_from } => {
            let store = open_store(&cli).await?;
            let blobs = open_blobs(&cli, false)?;
            fixity::verify(&store, &blobs, *restart, *limit, repair_from.as_deref()).await
        }
        Command::Init => {
            let store = open_store(&cli).await?;
            println!("Đã sẵn sàng cơ sở dữ liệu ({}).", store.backend().name());
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan { command: PlanCommand::Import { dir, dry_run } } => {
            let plan = match plan_files::read(dir)? {
                Ok(plan) => plan,
                Err(problems) => {
                    eprintln!("Kế hoạch có {} lỗi; không nạp gì:", problems.len());
                    for problem in &problems {
                        eprintln!("  {problem}");
                    }
                    return Ok(ExitCode::FAILURE);
                }
            };
            let totals = plan.computed();
            println!(
                "Kế hoạch: {} huyện cũ ({} m), {} xã, phường ({} m, trong đó {} m mật), {} nhiệm vụ.",
                totals.district_count,
                totals.district_metres,
                totals.commune_count,
                totals.commune_metres,
                totals.commune_secret_metres,
                plan.tasks.len()
            );
            for discrepancy in plan.discrepancies() {
                println!("Cảnh báo — số liệu không khớp: {}", discrepancy.message);
            }
            if *dry_run {
                println!("Chạy thử: chưa nạp gì.");
                return Ok(ExitCode::SUCCESS);
            }
            let store = open_store(&cli).await?;
            let operator = accounts::operator();
            accounts::require(&operator, kho_model::access::Action::PlanImport)?;
            store.import_plan(&plan).await.context("không nạp được kế hoạch")?;
            accounts::record(&store, &operator, "plan.import", "plan", None, Some(dir.display().to_string())).await?;
            println!("Đã nạp kế hoạch.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Plan { command: PlanCommand::Norms { file, dry_run } } => {
            let bytes = std::fs::read(file).with_context(|| format!("không đọc được {}", file.display()))?;
            let text =
                String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{} không phải UTF-8: lưu lại dạng CSV UTF-8", file.display()))?;
            let store = open_store(&cli).await?;
            let operator = accounts::operator();
            accounts::require(&operator, kho_model::access::Action::PlanImport)?;
            let norms = match store.norms().await?.read_csv(&text) {
                Ok(norms) => norms,
                Err(problems) => {
                    eprintln!("Tệp định mức có {} lỗi; không nạp gì:", problems.len());
                    for problem in &problems {
                        eprintln!("  {problem}");
                    }
                    return Ok(ExitCode::FAILURE);
                }
            };
            for norm in kho_model::cost::Norm::ALL {
                println!("{}: {} {}", norm.label(), kho_model::cost::milli_text(norms.value(*norm)), norm.unit());
            }
            if *dry_run {
                println!("Chạy thử: chưa nạp gì.");
                return Ok(ExitCode::SUCCESS);
            }
            store.set_norms(&norms, &operator.name).await?;
            accounts::record(&store, &operator, "norms.set", "system", None, Some(file.display().to_string())).await?;
            println!("Đã nạp định mức.");
            Ok(ExitCode::SUCCESS)
        }
        Command::User { command: UserCommand::Add { username, admin, role, full_name, units, clearance } } => {
            let role = if *admin {
                kho_model::access::Role::Admin
            } else {
                kho_model::access::Role::from_code(role)
                    .with_context(|| format!("vai trò “{role}” không có (quan_tri, lanh_dao, luu_tru_vien, nhan_vien_so_hoa, doc_gia)"))?
            };
            let clearance = kho_model::Classification::from_code(clearance)
                .with_context(|| format!("độ mật “{clearance}” không có (00, 01, 02, 03)"))?;
            let store = open_store(&cli).await?;
            let new = accounts::NewUser { username: username.clone(), full_name: full_name.clone(), role, clearance, units: units.clone() };
            accounts::add_user(&store, new, None).await?;
            println!("Đã tạo tài khoản {username} ({}).", role.label());
            Ok(ExitCode::SUCCESS)
        }
        Command::User { command: UserCommand::Clearance { username, level } } => {
            let clearance =
                kho_model::Classification::from_code(level).with_context(|| format!("độ mật “{level}” không có (00, 01, 02, 03)"))?;
            accounts::set_clearance(&open_store(&cli).await?, username, clearance).await?;
            println!("Tài khoản {username}: độ mật được tiếp cận {}.", clearance.label());
            Ok(ExitCode::SUCCESS)
        }
        Command::User { command: UserCommand::Password { username } } => {
            accounts::reset_password(&open_store(&cli).await?, username).await?;
            println!("Đã đặt lại mật khẩu của {username}.");
            Ok(ExitCode::SUCCESS)
        }
        Command::User { command: UserCommand::List } => {
            accounts::list_users(&open_store(&cli).await?).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { command: TokenCommand::Create { user, name } } => {
            let token = accounts::create_token(&open_store(&cli).await?, user, name).await?;
            println!("{token}");
            eprintln!("Mã chỉ hiện một lần; Kho chỉ lưu mã băm của nó.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { command: TokenCommand::Revoke { id } } => {
            accounts::revoke_token(&open_store(&cli).await?, *id).await?;
            println!("Đã thu hồi mã số {id}.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Token { command: TokenCommand::List } => {
            accounts::list_tokens(&open_store(&cli).await?).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { command: ImportCommand::Mucluc { file, fonds, inventory, dry_run, json, user } } => {
            let store = open_store(&cli).await?;
            let options = import::Options {
                file: file.clone(),
                fonds: fonds.clone(),
                inventory: *inventory,
                dry_run: *dry_run,
                json: *json,
                user: user.clone(),
            };
            import::inventory(&store, &options).await
        }
        Command::Retention { command: RetentionCommand::Import { file } } => {
            let operator = accounts::operator();
            accounts::require(&operator, kho_model::access::Action::RetentionManage)?;
            let text = std::fs::read(file).with_context(|| format!("không đọc được {}", file.display()))?;
            let text = String::from_utf8(text).map_err(|_| anyhow::anyhow!("{} không phải văn bản UTF-8", file.display()))?;
            let rules = match kho_model::retention::parse(&text) {
                Ok(rules) => rules,
                Err(problems) => {
                    eprintln!("Bảng thời hạn có {} lỗi; không nạp gì:", problems.len());
                    for p in problems {
                        eprintln!("  {p}");
                    }
                    return Ok(ExitCode::FAILURE);
                }
            };
            let store = open_store(&cli).await?;
            store.replace_retention(&rules).await?;
            accounts::record(
                &store,
                &operator,
                "retention.replace",
                "retention",
                None,
                Some(format!("{} quy tắc từ {}", rules.len(), file.display())),
            )
            .await?;
            println!("Đã nạp {} quy tắc thời hạn bảo quản.", rules.len());
            Ok(ExitCode::SUCCESS)
        }
        Command::Key { command: KeyCommand::Init } => {
            let path = key_path(&cli);
            kho_blobs::ContentKey::generate(&path)?;
            println!("Đã tạo khóa mã hóa nội dung tại {}.", path.display());
            println!("Sao lưu tệp này ở nơi riêng, ngoài cơ sở dữ liệu: mất khóa thì không đọc được nội dung tài liệu mật.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Package { command: PackageCommand::Export { kind } } => {
            let (dossier, kind) = match kind {
                ExportKind::Sip { dossier } => (dossier, kho_packages::Kind::Sip),
                ExportKind::Aip { dossier } => (dossier, kho_packages::Kind::Aip),
                ExportKind::Dip { dossier, request, request_date, purpose, purpose_content, fee, topic } => {
                    let request = package::request(request, request_date.as_deref(), purpose, purpose_content, fee, topic)?;
                    (dossier, kho_packages::Kind::Dip(request))
                }
            };
            let store = open_store(&cli).await?;
            let blobs = open_blobs(&cli, false)?;
            let agency = cli.organisation.clone().unwrap_or_else(|| kho_digitize::worker::WorkerConfig::default().organisation);
            package::export(&store, &blobs, &dossier.ho_so, &dossier.output, &agency, kind).await
        }
        Command::Package { command: PackageCommand::Check { file } } => package::check(file),
        Command::Search { command: SearchCommand::Reindex } => {
            let store = open_store(&cli).await?;
            let dir = search_dir(&cli);
            let index = match kho_search::SearchIndex::open(&dir) {
                Ok(index) => index,
                Err(e) if e.is_locked() => {
                    // A server holds it: every server on this catalogue rebuilds its own replica
                    // when it reads the request in the log of changes, answering searches meanwhile.
                    let change = store.request_search_rebuild().await?;
                    println!(
                        "Chỉ mục {} đang được máy chủ kho serve dùng: đã ghi yêu cầu dựng lại (thay đổi số {change}). \
                         Mỗi máy chủ dùng kho dữ liệu này sẽ dựng lại chỉ mục của mình trong vài giây tới; \
                         tra cứu vẫn trả lời theo chỉ mục cũ trong khi dựng.",
                        dir.display()
                    );
                    return Ok(ExitCode::SUCCESS);
                }
                Err(e) => return Err(anyhow::Error::new(e).context(format!("không mở được chỉ mục {}", dir.display()))),
            };
            let indexer = kho_web::search::Indexer::with(index);
            let started = std::time::Instant::now();
            let mut bar = progress::Progress::new("dựng chỉ mục tra cứu", store.dossier_total().await? as u64);
            indexer.rebuild(&store, &mut |done, total| bar.set(done, total)).await?;
            bar.finish();
            println!(
                "Đã dựng chỉ mục tra cứu: {} mục trong {:.1} s, tại {}.",
                indexer.entries(),
                started.elapsed().as_secs_f64(),
                dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { command: ReportCommand::Annual { year, unit, format, output, difficulties, proposals } } => {
            let store = open_store(&cli).await?;
            let unit = match unit {
                Some(text) => {
                    let wanted = text.trim();
                    let found = store.units().await?.into_iter().find(|u| {
                        u.id.to_string() == wanted
                            || u.agency_code.as_ref().is_some_and(|c| c.as_str() == wanted)
                            || u.new_admin_code.as_deref() == Some(wanted)
                            || kho_model::text::fold(&u.name) == kho_model::text::fold(wanted)
                    });
                    Some(found.with_context(|| format!("không có đơn vị “{wanted}”"))?.id)
                }
                None => None,
            };
            anyhow::ensure!(matches!(format.as_str(), "docx" | "pdf"), "định dạng “{format}” phải là docx hoặc pdf");
            let report =
                kho_web::reports::annual_report(&store, &kho_model::access::Visibility::everything(), *year, unit, difficulties, proposals)
                    .await?
                    .context("chưa nạp kế hoạch của tỉnh (kho plan import): báo cáo so sánh với kế hoạch")?;
            let doc = kho_documents::official::annual_report(&report);
            let bytes = if format == "pdf" { kho_documents::official::to_pdf(&doc) } else { kho_documents::official::to_docx(&doc) }
                .map_err(|e| anyhow::anyhow!(e))?;
            std::fs::write(output, bytes).with_context(|| format!("không ghi được {}", output.display()))?;
            println!("Đã lập báo cáo năm {year} ({} đơn vị) vào {}.", report.lines.len(), output.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Package { command: PackageCommand::Import { file, phong, user } } => {
            let store = open_store(&cli).await?;
            let blobs = open_blobs(&cli, false)?;
            package::import(&store, &blobs, file, phong.as_deref(), user, &trusted_signers(&cli)?).await
        }
        Command::Audit { command: AuditCommand::Checkpoint } => {
            let store = open_store(&cli).await?;
            match store.audit_checkpoint().await? {
                Some(c) => {
                    println!("Đã ghi điểm kiểm tra: {} bản ghi, đến số {} ({}).", c.entries, c.head_seq, kho_model::vn::moment(&c.at))
                }
                None => println!("Không có khóa nhật ký; không ghi điểm kiểm tra."),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Audit { command: AuditCommand::Verify } => {
            let intact = accounts::verify_audit(&open_store(&cli).await?).await?;
            Ok(if intact { ExitCode::SUCCESS } else { ExitCode::FAILURE })
        }
        Command::Bench { command: BenchCommand::Ocr { pages, rounds, repeat } } => {
            bench_ocr::ocr(pages, *rounds, *repeat, &cli.data_dir.join("bench-ocr")).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { command: BenchCommand::Preservation { megabytes, file_megabytes } } => {
            bench_preservation::preservation(&cli.data_dir, *megabytes, *file_megabytes).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { command: BenchCommand::Search { documents, repeat, postgres, keep } } => {
            bench_search::search(&cli.data_dir, *documents, (*repeat).max(1), postgres.as_deref(), *keep).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { command: BenchCommand::Package { megabytes, file_megabytes } } => {
            bench_preservation::package(&cli.data_dir, *megabytes, *file_megabytes).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { command: BenchCommand::Uploads { clients, megabytes, idle } } => {
            bench_uploads::uploads(&cli.data_dir, *clients, *megabytes, *idle).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { command: BenchCommand::Import { rows } } => {
            bench::import(&cli.data_dir, cli.database_url.as_deref(), *rows).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { command: BenchCommand::Catalogue { dossiers, documents, listing, muc_luc, requests } } => {
            let sizes = bench::Sizes { dossiers: *dossiers, documents: *documents, listing: *listing, per_inventory: *muc_luc };
            bench::catalogue(&cli.data_dir, cli.database_url.as_deref(), sizes, *requests).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
