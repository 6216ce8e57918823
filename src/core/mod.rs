//! The pure core: plain data in, plain data out. No file, database, terminal or clock is touched
//! here, and nothing outside `core` is imported (`arch_of_the_tree` below checks it).

pub mod arch;
pub mod builtin;
pub mod cloze;
pub mod deck;
pub mod exchange;
pub mod fill;
pub mod interview;
pub mod judge;
pub mod mock;
pub mod model;
pub mod pace;
pub mod queue;
pub mod readiness;
pub mod sm2;
pub mod stats;
pub mod text;
pub mod types;

#[cfg(test)]
mod arch_of_the_tree {
    use std::path::Path;

    /// Every `crate::` path in a core file points into the core: the core never reaches for the
    /// store, the prompt, the session or a command.
    #[test]
    fn core_files_import_nothing_from_the_shell() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core");
        let needle = ["crate", "::"].concat();
        let nested = ["super", "::", "super"].concat();
        let mut checked = 0;
        for entry in walk(&dir) {
            let text = std::fs::read_to_string(&entry).unwrap();
            for (i, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                for (at, _) in code.match_indices(&needle) {
                    let rest = &code[at + needle.len()..];
                    assert!(
                        rest.starts_with("core::") || rest.starts_with("core}"),
                        "{}:{}: the core imports from the shell: {line}",
                        entry.display(),
                        i + 1
                    );
                }
                assert!(
                    !code.contains(&nested),
                    "{}:{}: {line}",
                    entry.display(),
                    i + 1
                );
            }
            checked += 1;
        }
        assert!(checked >= 10, "{checked} files");
    }

    fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(walk(&path));
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
        out
    }
}
