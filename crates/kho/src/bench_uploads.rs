//! `kho bench uploads`: a real `kho serve --demo` on loopback, a commune clerk's session, then
//! (1) many clients each sending a large scanner PDF as an attachment at once, the server's
//! resident memory sampled throughout; (2) the time to refuse each file of the hostile corpus;
//! (3) health checks while thousands of half-sent requests are held open. Prints figures; asserts
//! nothing. Everything stays on 127.0.0.1 and stops by itself.

use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CLERK: &str = "canbo.muongphang";

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Resident memory now and at its peak (kB), from /proc.
    fn memory(&self) -> (u64, u64) {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        let field = |name: &str| {
            status.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)).and_then(|v| v.parse().ok()).unwrap_or(0)
        };
        (field("VmRSS:"), field("VmHWM:"))
    }
}

fn mib(kb: u64) -> String {
    format!("{:.0} MiB", kb as f64 / 1024.0)
}

async fn start(dir: &Path) -> Result<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
    let child = Command::new(std::env::current_exe()?)
        .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
        .env("KHO_DATA_DIR", dir)
        .env_remove("KHO_DATABASE_URL")
        .env("KHO_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let server = Server { child, base: format!("http://127.0.0.1:{port}") };
    for _ in 0..300 {
        if reqwest::get(format!("{}/healthz", server.base)).await.is_ok_and(|r| r.status().is_success()) {
            return Ok(server);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("kho serve không khởi động được")
}

fn between<'a>(text: &'a str, before: &str, after: &str) -> Option<&'a str> {
    let start = text.find(before)? + before.len();
    Some(&text[start..start + text[start..].find(after)?])
}

/// A signed-in client and its CSRF token.
async fn sign_in(server: &Server, dir: &Path) -> Result<(reqwest::Client, String)> {
    let accounts = std::fs::read_to_string(dir.join(crate::demo::ACCOUNTS_FILE))?;
    let password = accounts
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{CLERK}\t")))
        .and_then(|rest| rest.split('\t').next())
        .context("tài khoản mẫu")?;
    let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build()?;
    let page = client.get(format!("{}/dang-nhap", server.base)).send().await?.text().await?;
    let token = between(&page, "name=\"_csrf\" value=\"", "\"").context("biểu mẫu đăng nhập")?.to_string();
    let form = [("username", CLERK), ("password", password), ("tiep", "/"), ("_csrf", &token)];
    client.post(format!("{}/dang-nhap", server.base)).form(&form).send().await?;
    let home = client.get(format!("{}/tai-khoan/mat-khau", server.base)).send().await?.text().await?;
    let csrf = between(&home, "name=\"csrf-token\" content=\"", "\"").context("chưa đăng nhập được")?.to_string();
    Ok((client, csrf))
}

/// The first hồ sơ of the clerk's first fonds, found as a person would: by following links.
async fn a_dossier(client: &reqwest::Client, base: &str) -> Result<i64> {
    let mut page = client.get(format!("{base}/phong")).send().await?.text().await?;
    for link in ["href=\"/phong/", "href=\"/muc-luc/", "href=\"/ho-so/"] {
        // The first link to a record (not to a form such as /phong/moi).
        let id: i64 =
            page.split(link).skip(1).find_map(|rest| rest.split(['/', '?', '"']).next()?.parse().ok()).context("không tìm thấy hồ sơ")?;
        if link.ends_with("/ho-so/") {
            return Ok(id);
        }
        page = client.get(format!("{base}{}{id}", &link[6..])).send().await?.text().await?;
    }
    unreachable!()
}

pub async fn uploads(data_dir: &Path, clients: usize, megabytes: u64, idle: usize) -> Result<()> {
    let dir = data_dir.join("bench-uploads");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let server = start(&dir).await?;
    let (client, csrf) = sign_in(&server, &dir).await?;
    let dossier = a_dossier(&client, &server.base).await?;
    let url = format!("{}/ho-so/{dossier}/tep?_csrf={csrf}", server.base);
    println!("Kho bench uploads: kho serve --demo tại {}, {CLERK}, hồ sơ {dossier}", server.base);
    let (rss, _) = server.memory();
    println!("Bộ nhớ máy chủ khi nghỉ: {}", mib(rss));

    // 1. Many large uploads at once.
    let (pdf, offset) = tokio::task::spawn_blocking(move || kho_digitize::testing::large_scan_pdf(megabytes, 7)).await?;
    let size = pdf.len();
    let pdf = bytes::Bytes::from(pdf);
    let peak = Arc::new(AtomicU64::new(0));
    let sampling = {
        let (pid, peak) = (server.child.id(), peak.clone());
        tokio::spawn(async move {
            loop {
                let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
                let rss = status.lines().find(|l| l.starts_with("VmRSS:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok());
                peak.fetch_max(rss.unwrap_or(0), Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let started = Instant::now();
    let mut sending = tokio::task::JoinSet::new();
    for n in 0..clients {
        let (client, url, pdf) = (client.clone(), url.clone(), pdf.clone());
        sending.spawn(async move {
            // Each client's file differs in its first pixels, so each is stored, not deduplicated.
            let mut own = pdf.slice(offset..offset + 64).to_vec();
            own[..8].copy_from_slice(&(0x8080_8080_8080_8080u64 | n as u64).to_le_bytes());
            let pieces: Vec<Result<bytes::Bytes, std::io::Error>> =
                vec![Ok(pdf.slice(..offset)), Ok(bytes::Bytes::from(own)), Ok(pdf.slice(offset + 64..))];
            let body = reqwest::Body::wrap_stream(futures::stream::iter(pieces));
            let part = reqwest::multipart::Part::stream_with_length(body, pdf.len() as u64)
                .file_name(format!("ban-quet-{n:02}.pdf"))
                .mime_str("application/pdf")?;
            let form = reqwest::multipart::Form::new().part("file", part);
            let began = Instant::now();
            let status = client.post(&url).multipart(form).send().await?.status();
            Ok::<_, anyhow::Error>((status, began.elapsed()))
        });
    }
    let mut stored = 0;
    let mut slowest = Duration::ZERO;
    while let Some(done) = sending.join_next().await {
        let (status, took) = done??;
        stored += usize::from(status == reqwest::StatusCode::SEE_OTHER);
        slowest = slowest.max(took);
    }
    let elapsed = started.elapsed();
    sampling.abort();
    let (_, hwm) = server.memory();
    println!(
        "{clients} máy cùng gửi một tệp PDF {:.0} MB: lưu {stored}/{clients} trong {:.1} s ({:.0} MB/s), chậm nhất {:.1} s; \
         bộ nhớ máy chủ cao nhất {} (đo mỗi 20 ms: {})",
        size as f64 / 1e6,
        elapsed.as_secs_f64(),
        (size * clients) as f64 / 1e6 / elapsed.as_secs_f64(),
        slowest.as_secs_f64(),
        mib(hwm),
        mib(peak.load(Ordering::Relaxed))
    );

    // 2. The hostile corpus, each refused.
    println!("Từ chối tệp độc hại (đính kèm hồ sơ):");
    for hostile in kho_digitize::hostile::corpus() {
        let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(hostile.bytes).file_name(hostile.name));
        let began = Instant::now();
        let status = client.post(&url).multipart(form).send().await?.status();
        println!("  {:<52} {:>4} trong {:>6.1} ms", hostile.what, status.as_u16(), began.elapsed().as_secs_f64() * 1000.0);
    }

    // 3. Health while idle, half-sent requests are held.
    raise_file_limit(idle as u64 + 256);
    let mut held = Vec::with_capacity(idle);
    let address = server.base.trim_start_matches("http://").to_string();
    for _ in 0..idle {
        match tokio::net::TcpStream::connect(&address).await {
            Ok(mut stream) => {
                let _ = tokio::io::AsyncWriteExt::write_all(&mut stream, b"GET /healthz HTTP/1.1\r\nHost: kho\r\n").await;
                held.push(stream);
            }
            Err(_) => break,
        }
    }
    let mut times = vec![];
    for _ in 0..20 {
        let began = Instant::now();
        let ok = reqwest::Client::new().get(format!("{}/healthz", server.base)).timeout(Duration::from_secs(10)).send().await;
        times.push((ok.is_ok_and(|r| r.status().is_success()), began.elapsed()));
    }
    let answered = times.iter().filter(|(ok, _)| *ok).count();
    let mut durations: Vec<Duration> = times.iter().map(|(_, d)| *d).collect();
    durations.sort();
    println!(
        "Kiểm tra sức khỏe khi giữ {} kết nối gửi dở: trả lời {answered}/20, trung vị {:.1} ms, chậm nhất {:.1} ms",
        held.len(),
        durations[durations.len() / 2].as_secs_f64() * 1000.0,
        durations[durations.len() - 1].as_secs_f64() * 1000.0
    );
    drop(held);
    drop(server);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

fn raise_file_limit(wanted: u64) {
    let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
    // SAFETY: getrlimit/setrlimit read and write only the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < wanted {
            limit.rlim_cur = wanted.min(limit.rlim_max);
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}
