//! `storydrill config`: settings stored in the database.

use serde::Serialize;

use super::{print, print_json, Ctx};
use crate::cli::ConfigAction;
use crate::settings::{self, SETTINGS};

#[derive(Serialize)]
struct SettingJson {
    key: &'static str,
    value: u32,
    default: u32,
    help: &'static str,
}

pub fn run(ctx: &Ctx, action: Option<ConfigAction>) -> anyhow::Result<()> {
    match action.unwrap_or(ConfigAction::List { json: false }) {
        ConfigAction::Get { key } => print(&format!("{}\n", settings::get(&ctx.store, &key)?)),
        ConfigAction::Set { key, value } => {
            let setting = settings::lookup(&key)?;
            let value = settings::parse_value(setting, &value)?;
            ctx.store.set_setting(setting.key, &value.to_string())
        }
        ConfigAction::Unset { key } => ctx.store.unset_setting(settings::lookup(&key)?.key),
        ConfigAction::List { json } => {
            let mut rows = Vec::new();
            for s in SETTINGS {
                rows.push(SettingJson {
                    key: s.key,
                    value: settings::get(&ctx.store, s.key)?,
                    default: s.default,
                    help: s.help,
                });
            }
            if json {
                return print_json(&rows);
            }
            let mut out = String::new();
            for r in rows {
                out.push_str(&format!(
                    "{:<16} {:>6}   {} (default {})\n",
                    r.key, r.value, r.help, r.default
                ));
            }
            print(&out)
        }
    }
}
