//! Line breaking for the PDF: words at spaces; a word wider than the line (a metric key,
//! a path) after its own separators (`.`, `_`, `/`, `:`, `-`, `,`), so keys never break
//! mid-word; only a run without separators (a hash) is cut between characters.

/// Characters after which a too-long word may break.
const SEPARATORS: [char; 6] = ['.', '_', '/', ':', '-', ','];

/// `text` broken into lines no wider than `width` as `measure` measures them; `\n` starts
/// a new line.
pub fn wrap(text: &str, width: f32, measure: &dyn Fn(&str) -> f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() {
                word.to_string()
            } else {
                format!("{line} {word}")
            };
            if measure(&candidate) <= width {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            if measure(word) <= width {
                line = word.to_string();
                continue;
            }
            for piece in pieces(word) {
                let next = format!("{line}{piece}");
                if line.is_empty() || measure(&next) <= width {
                    line = next;
                } else {
                    lines.push(std::mem::replace(&mut line, piece.to_string()));
                }
                // A piece wider than the line on its own: cut it by characters.
                while measure(&line) > width && line.chars().count() > 1 {
                    let mut head = String::new();
                    for c in line.chars() {
                        let next = format!("{head}{c}");
                        if !head.is_empty() && measure(&next) > width {
                            break;
                        }
                        head = next;
                    }
                    let tail = line[head.len()..].to_string();
                    lines.push(head);
                    line = tail;
                }
            }
        }
        lines.push(line);
    }
    lines
}

/// A word cut after each separator: `a.b_c` → `a.`, `b_`, `c`.
fn pieces(word: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, c) in word.char_indices() {
        if SEPARATORS.contains(&c) {
            let end = i + c.len_utf8();
            out.push(&word[start..end]);
            start = end;
        }
    }
    if start < word.len() {
        out.push(&word[start..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> f32 {
        s.chars().count() as f32
    }

    #[test]
    fn words_wrap_at_spaces() {
        assert_eq!(
            wrap("one two three four", 9.0, &chars),
            vec!["one two", "three", "four"]
        );
        assert_eq!(wrap("a\nb", 9.0, &chars), vec!["a", "b"]);
    }

    #[test]
    fn keys_break_after_separators_never_inside_a_word() {
        let key = "cross_domain.image.per_class.partial.precision";
        let lines = wrap(key, 20.0, &chars);
        assert_eq!(lines.concat(), key);
        for line in &lines {
            assert!(chars(line) <= 20.0, "{lines:?}");
        }
        // Every break falls after a separator.
        for line in &lines[..lines.len() - 1] {
            assert!(line.ends_with(SEPARATORS), "{lines:?}");
        }
        assert_eq!(
            lines,
            vec!["cross_domain.image.", "per_class.partial.", "precision"]
        );
    }

    #[test]
    fn a_hash_without_separators_is_cut_by_characters() {
        let hash = "0123456789abcdef0123";
        let lines = wrap(hash, 8.0, &chars);
        assert_eq!(lines, vec!["01234567", "89abcdef", "0123"]);
    }
}
