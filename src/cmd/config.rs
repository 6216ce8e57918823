//! `storydrill config`: settings stored in the database.

use serde::Serialize;

use super::{print, print_json, Ctx};
use crate::cli::ConfigAction;
use crate::settings::{self, INTERVIEW_DATE, SETTINGS};

#[derive(Serialize)]
struct SettingJson {
    key: &'static str,
    value: serde_json::Value,
    default: serde_json::Value,
    help: &'static str,
}

pub fn run(ctx: &Ctx, action: Option<ConfigAction>) -> anyhow::Result<()> {
    match action.unwrap_or(ConfigAction::List { json: false }) {
        ConfigAction::Get { key } if key == INTERVIEW_DATE => match ctx.store.interview_date()? {
            Some(day) => print(&format!("{day}\n")),
            None => print("(not set)\n"),
        },
        ConfigAction::Set { key, value } if key == INTERVIEW_DATE => {
            let day = settings::parse_date(&value)?;
            ctx.store.set_interview_date(Some(day))
        }
        ConfigAction::Unset { key } if key == INTERVIEW_DATE => ctx.store.set_interview_date(None),
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
                    value: settings::get(&ctx.store, s.key)?.into(),
                    default: s.default.into(),
                    help: s.help,
                });
            }
            rows.push(SettingJson {
                key: INTERVIEW_DATE,
                value: ctx
                    .store
                    .interview_date()?
                    .map_or(serde_json::Value::Null, |d| d.to_string().into()),
                default: serde_json::Value::Null,
                help: settings::INTERVIEW_DATE_HELP,
            });
            if json {
                return print_json(&rows);
            }
            let mut out = String::new();
            let shown = |v: &serde_json::Value| match v {
                serde_json::Value::Null => "-".to_string(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            for r in rows {
                out.push_str(&format!(
                    "{:<16} {:>10}   {} (default {})\n",
                    r.key,
                    shown(&r.value),
                    r.help,
                    shown(&r.default)
                ));
            }
            print(&out)
        }
    }
}
