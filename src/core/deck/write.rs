//! Writing a deck in the one canonical layout: export → import → export is byte-identical.

use super::Deck;

/// Writes a deck in the canonical layout.
pub fn to_toml(deck: &Deck) -> String {
    let mut out = String::new();
    out.push_str(
        "# storydrill deck: edit freely, keep the keys (they carry the review history).\n",
    );
    out.push_str("[deck]\n");
    field(&mut out, "name", &deck.name);
    field(&mut out, "title", &deck.title);
    if let Some(groups) = deck.synonyms.as_ref().filter(|g| !g.is_empty()) {
        out.push_str("\n[synonyms]\n");
        for (word, equals) in groups {
            list(&mut out, &toml_string(word), equals);
        }
    }
    for s in &deck.stories {
        out.push_str("\n[[story]]\n");
        field(&mut out, "key", &s.key);
        if let Some(n) = s.number {
            out.push_str(&format!("number = {n}\n"));
        }
        field(&mut out, "title", &s.title);
        field(&mut out, "kind", s.kind.as_str());
        field(&mut out, "source", s.source.as_str());
        list(&mut out, "aliases", &s.aliases);
        field(&mut out, "prompt", &s.prompt);
        field(&mut out, "text", &s.text);
        if let Some(w) = &s.written {
            field(&mut out, "written", w);
        }
        if let Some(d) = &s.diagram {
            field(&mut out, "diagram", d);
        }
        if let Some(short) = &s.short {
            field(&mut out, "short", short);
        }
        list(&mut out, "points", &s.points);
        if s.points_source != s.source {
            field(&mut out, "points_source", s.points_source.as_str());
        }
        tags(&mut out, &s.tags);
    }
    for q in &deck.questions {
        out.push_str("\n[[question]]\n");
        field(&mut out, "key", &q.key);
        field(&mut out, "text", &q.text);
        list(&mut out, "answers", &q.answers);
        if !q.why.is_empty() {
            field(&mut out, "why", &q.why);
        }
        tags(&mut out, &q.tags);
    }
    for c in &deck.clozes {
        out.push_str("\n[[cloze]]\n");
        field(&mut out, "key", &c.key);
        if let Some(s) = &c.story {
            field(&mut out, "story", s);
        }
        field(&mut out, "text", &c.text);
        tags(&mut out, &c.tags);
    }
    for b in &deck.cards {
        out.push_str("\n[[card]]\n");
        field(&mut out, "key", &b.key);
        field(&mut out, "front", &b.front);
        field(&mut out, "back", &b.back);
        tags(&mut out, &b.tags);
    }
    for f in &deck.followups {
        out.push_str("\n[[followup]]\n");
        field(&mut out, "key", &f.key);
        field(&mut out, "story", &f.story);
        field(&mut out, "source", f.source.as_str());
        field(&mut out, "question", &f.question);
        field(&mut out, "answer", &f.answer);
        list(&mut out, "points", &f.points);
        if !f.why.is_empty() {
            field(&mut out, "why", &f.why);
        }
        tags(&mut out, &f.tags);
    }
    for f in &deck.filled {
        out.push_str("\n[[filled]]\n");
        field(&mut out, "template", &f.template);
        list(&mut out, "answers", &f.answers);
    }
    out
}

fn tags(out: &mut String, tags: &[String]) {
    if !tags.is_empty() {
        list(out, "tags", tags);
    }
}

fn field(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str(" = ");
    out.push_str(&toml_string(value));
    out.push('\n');
}

fn list(out: &mut String, name: &str, values: &[String]) {
    out.push_str(name);
    out.push_str(" = [");
    if values.is_empty() {
        out.push_str("]\n");
        return;
    }
    out.push('\n');
    for v in values {
        out.push_str("  ");
        out.push_str(&toml_string(v));
        out.push_str(",\n");
    }
    out.push_str("]\n");
}

/// A TOML basic string; a multi-line one when the text has line breaks, so it stays readable.
pub fn toml_string(value: &str) -> String {
    let multiline = value.contains('\n');
    let mut out = String::with_capacity(value.len() + 8);
    out.push_str(if multiline { "\"\"\"\n" } else { "\"" });
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' if multiline => out.push('\n'),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if crate::core::text::is_hidden_control(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push_str(if multiline { "\"\"\"" } else { "\"" });
    out
}
