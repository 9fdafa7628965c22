//! `kho`: the one binary. Parses the command line into a configuration, wires the catalogue,
//! the web server and the commands, and prints errors once, in Vietnamese, with an exit code.

mod bench;
mod demo;
mod plan_files;

use anyhow::{Context, Result};
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
        /// Nạp dữ liệu mẫu của tỉnh Điện Biên (kế hoạch 2026–2035 và một phông mẫu) nếu kho còn trống.
        #[arg(long)]
        demo: bool,
    },
    /// Tạo thư mục dữ liệu và cơ sở dữ liệu (hoặc nâng cấp lược đồ) rồi thoát.
    Init,
    /// Kế hoạch chỉnh lý, số hóa của tỉnh.
    Plan {
        #[command(subcommand)]
        command: PlanCommand,
    },
    /// Đo hiệu năng (chạy bằng tay; in số liệu).
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
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
}

#[derive(Subcommand)]
enum BenchCommand {
    /// Thêm hồ sơ và văn bản vào một kho trống, rồi đo thời gian liệt kê một mục lục qua HTTP.
    Catalogue {
        /// Số hồ sơ.
        #[arg(long, default_value_t = 100_000)]
        dossiers: u64,
        /// Số văn bản.
        #[arg(long, default_value_t = 1_000_000)]
        documents: u64,
        /// Số hồ sơ của mục lục được liệt kê.
        #[arg(long, default_value_t = 5_000)]
        listing: u64,
        /// Số lần gọi liệt kê để tính p50/p95.
        #[arg(long, default_value_t = 50)]
        requests: u32,
    },
}

fn main() -> ExitCode {
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

async fn open_store(cli: &Cli) -> Result<Store> {
    let store = match &cli.database_url {
        Some(url) => Store::open(url).await,
        None => Store::open_embedded(&cli.data_dir).await,
    };
    store.context("không mở được cơ sở dữ liệu")
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Serve { listen, demo } => {
            let store = open_store(&cli).await?;
            if *demo {
                demo::load(&store).await.context("không nạp được dữ liệu mẫu")?;
            }
            let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("không mở được cổng {listen}"))?;
            tracing::info!(address = %listen, backend = store.backend().name(), "kho serving");
            eprintln!("Kho đang chạy: http://{listen}");
            kho_web::serve(listener, kho_web::AppState::new(store.clone())).await.context("máy chủ web dừng vì lỗi")?;
            store.close().await;
            Ok(ExitCode::SUCCESS)
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
            store.import_plan(&plan).await.context("không nạp được kế hoạch")?;
            println!("Đã nạp kế hoạch.");
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { command: BenchCommand::Catalogue { dossiers, documents, listing, requests } } => {
            bench::catalogue(&cli.data_dir, cli.database_url.as_deref(), *dossiers, *documents, *listing, *requests).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
