//! Kho's web tests, one binary: each module is a page or a door, driven over real HTTP
//! against SQLite and PostgreSQL. One binary links once and costs its disk once.

mod access;
mod accessions;
mod admin;
mod api;
mod attachments;
mod auth;
mod common;
mod cost;
mod digitization;
mod entry;
mod escalation;
mod home;
mod hostile;
mod http;
mod import;
mod leaks;
mod matrix;
mod menus;
mod preservation;
mod reports;
mod retention;
mod scale;
mod search;
mod secrets;
mod server;
mod text;
