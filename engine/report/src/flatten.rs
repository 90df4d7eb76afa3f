//! JSON values walked into `key.sub = value` lines for the report's parameter and findings
//! lists, keys in sorted order (whether or not serde_json keeps insertion order, which the
//! c2pa SDK turns on), numbers stored as `f32` written in their shortest form.

use serde_json::Value;

/// `key.sub[2].x = value` lines for every leaf of a JSON value.
pub fn flatten_json(value: &Value) -> Vec<(String, String)> {
    flatten(value, true)
}

/// `key.sub = value` lines for the leaves of a JSON value's objects; lists stay on one line
/// as compact JSON (a histogram or a curve is one value, not hundreds of lines).
pub fn flatten_json_objects(value: &Value) -> Vec<(String, String)> {
    flatten(value, false)
}

fn flatten(value: &Value, into_lists: bool) -> Vec<(String, String)> {
    fn walk(prefix: &str, value: &Value, into_lists: bool, out: &mut Vec<(String, String)>) {
        match value {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_unstable_by_key(|(k, _)| *k);
                for (k, v) in entries {
                    let key = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&key, v, into_lists, out);
                }
            }
            Value::Array(items)
                if into_lists && items.iter().any(|v| v.is_object() || v.is_array()) =>
            {
                for (i, v) in items.iter().enumerate() {
                    walk(&format!("{prefix}[{i}]"), v, into_lists, out);
                }
            }
            Value::String(s) => out.push((prefix.to_string(), s.clone())),
            other => out.push((prefix.to_string(), compact(other))),
        }
    }
    let mut out = Vec::new();
    walk("", value, into_lists, &mut out);
    out
}

/// A leaf as compact JSON, with numbers stored as `f32` (the parameters and findings) in
/// their shortest form: `0.485`, not `0.48500001430511475`.
fn compact(value: &Value) -> String {
    match value {
        Value::Number(n) if n.is_f64() => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            let short = x as f32;
            if f64::from(short) != x || !short.is_finite() {
                return value.to_string();
            }
            let text = short.to_string();
            if text.contains('.') {
                text
            } else {
                format!("{text}.0")
            }
        }
        Value::Array(items) if items.iter().all(|v| !v.is_object()) => {
            let items: Vec<String> = items.iter().map(compact).collect();
            format!("[{}]", items.join(","))
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stored_as_f32_read_short() {
        let v =
            serde_json::json!({"m": [f64::from(0.485f32), 0.1, 20.0, 3], "g": f64::from(0.25f32)});
        assert_eq!(
            flatten_json(&v),
            vec![
                ("g".to_string(), "0.25".to_string()),
                ("m".to_string(), "[0.485,0.1,20.0,3]".to_string()),
            ]
        );
    }

    #[test]
    fn flatten_walks_objects_and_arrays_of_objects() {
        let v = serde_json::json!({"a": 1, "b": {"c": "x", "d": [1, 2]}, "e": [{"f": true}]});
        assert_eq!(
            flatten_json(&v),
            vec![
                ("a".to_string(), "1".to_string()),
                ("b.c".to_string(), "x".to_string()),
                ("b.d".to_string(), "[1,2]".to_string()),
                ("e[0].f".to_string(), "true".to_string()),
            ]
        );
    }
}
