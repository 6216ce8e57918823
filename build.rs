//! Embeds every `migrations/NNNN_what.sql`, in order, so a new file can never be left out.

use std::{env, fs, path::Path};

fn main() {
    println!("cargo:rerun-if-changed=migrations");
    let mut files: Vec<_> = fs::read_dir("migrations")
        .expect("migrations/ is readable")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".sql"))
        .collect();
    files.sort();
    let mut out = String::from("/// (version, file name, SQL), in order.\npub const MIGRATIONS: &[(u32, &str, &str)] = &[\n");
    for (i, name) in files.iter().enumerate() {
        let version: u32 = name
            .split('_')
            .next()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| {
                panic!("migration {name} must start with its number, like 0001_init.sql")
            });
        assert_eq!(
            version as usize,
            i + 1,
            "migrations must be numbered 1, 2, 3… without gaps: {name}"
        );
        let path = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap())
            .join("migrations")
            .join(name);
        out.push_str(&format!(
            "    ({version}, {name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    fs::write(
        Path::new(&env::var("OUT_DIR").unwrap()).join("migrations.rs"),
        out,
    )
    .unwrap();
}
