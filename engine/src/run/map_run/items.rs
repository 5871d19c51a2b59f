//! Distributed Map's data plumbing, pure: `ItemReader` over the workspace's mocked S3 bucket
//! (CSV, JSON, JSONL objects and `listObjectsV2` listings), `ItemBatcher`'s batches, and
//! `ResultWriter`'s transformations and result files. The interpreter (`exec`) runs the child
//! executions; this module only shapes data.

use crate::query::failure::{errors, Failure};
use crate::syntax::json::{Map, Value};
use std::rc::Rc;

/// The mocked S3 store: `{"bucket": {"key": "object text", ...}, ...}`.
pub(crate) type Buckets = Value;

fn reader_failed(cause: impl Into<Rc<str>>) -> Failure {
    Failure::new(errors::ITEM_READER_FAILED, cause)
}

/// What `ItemReader` reads, once its `Parameters`/`Arguments` are evaluated.
pub(crate) struct ReadRequest<'a> {
    pub resource: &'a str,
    /// `{Bucket, Key}` or `{Bucket, Prefix}`.
    pub parameters: &'a Value,
    /// `ReaderConfig`, if any.
    pub config: Option<&'a Value>,
    /// `ReaderConfig.MaxItems` (or `MaxItemsPath`), already resolved.
    pub max_items: Option<usize>,
}

/// Reads the items; errors are `States.ItemReaderFailed` with a cause that says what is
/// missing from the workspace's bucket.
pub(crate) fn read_items(buckets: &Buckets, req: &ReadRequest) -> Result<Vec<Value>, Failure> {
    let bucket_name = req
        .parameters
        .get("Bucket")
        .and_then(Value::as_str)
        .ok_or_else(|| reader_failed("ItemReader: the parameters name no 'Bucket'"))?;
    let bucket = buckets
        .get(bucket_name)
        .and_then(Value::as_object)
        .ok_or_else(|| {
            reader_failed(format!(
                "ItemReader: the bucket '{bucket_name}' does not exist in the workspace's S3 data"
            ))
        })?;
    let mut items = if req.resource.ends_with(":s3:listObjectsV2") {
        let prefix = req
            .parameters
            .get("Prefix")
            .and_then(Value::as_str)
            .unwrap_or("");
        let mut keys: Vec<(&Rc<str>, &Value)> = bucket
            .iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .collect();
        keys.sort_by(|a, b| a.0.cmp(b.0));
        keys.into_iter()
            .map(|(k, v)| {
                let size = v.as_str().map_or(0, str::len) as i64;
                crate::obj! {
                    "Etag" => format!("\"{:016x}\"", fnv(v.as_str().unwrap_or("").as_bytes())),
                    "Key" => k.clone(),
                    "LastModified" => "2024-01-01T00:00:00.000Z",
                    "Size" => size,
                    "StorageClass" => "STANDARD",
                }
            })
            .collect()
    } else if req.resource.ends_with(":s3:getObject") {
        let key = req
            .parameters
            .get("Key")
            .and_then(Value::as_str)
            .ok_or_else(|| reader_failed("ItemReader: the parameters name no 'Key'"))?;
        let text = bucket.get(key).and_then(Value::as_str).ok_or_else(|| {
            reader_failed(format!(
                "ItemReader: the object '{key}' does not exist in the bucket '{bucket_name}'"
            ))
        })?;
        let input_type = req
            .config
            .and_then(|c| c.get("InputType"))
            .and_then(Value::as_str)
            .unwrap_or("JSON");
        match input_type {
            "JSON" => match crate::syntax::json::parse(text) {
                Ok(Value::Array(a)) => a.as_ref().clone(),
                Ok(_) => {
                    return Err(reader_failed(format!(
                        "ItemReader: the JSON object '{key}' must hold an array"
                    )))
                }
                Err(e) => {
                    return Err(reader_failed(format!(
                        "ItemReader: the object '{key}' is not valid JSON: {}",
                        e.message
                    )))
                }
            },
            "JSONL" => {
                let mut out = Vec::new();
                for (i, line) in text.lines().enumerate() {
                    if line.trim().is_empty() {
                        continue;
                    }
                    out.push(crate::syntax::json::parse(line).map_err(|e| {
                        reader_failed(format!(
                            "ItemReader: line {} of '{key}' is not valid JSON: {}",
                            i + 1,
                            e.message
                        ))
                    })?);
                }
                out
            }
            "CSV" => read_csv(text, req.config)?,
            other => {
                return Err(reader_failed(format!(
                    "ItemReader: InputType '{other}' is not simulated (CSV, JSON and JSONL are)"
                )))
            }
        }
    } else {
        return Err(reader_failed(format!(
            "ItemReader: the resource '{}' is not simulated (s3:getObject and s3:listObjectsV2 are)",
            req.resource
        )));
    };
    if let Some(max) = req.max_items.filter(|m| *m > 0) {
        items.truncate(max);
    }
    Ok(items)
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// CSV rows as objects of strings, keyed by the first row or by `CSVHeaders`.
fn read_csv(text: &str, config: Option<&Value>) -> Result<Vec<Value>, Failure> {
    let get = |k: &str| config.and_then(|c| c.get(k));
    let delimiter = match get("CSVDelimiter")
        .and_then(Value::as_str)
        .unwrap_or("COMMA")
    {
        "COMMA" => ',',
        "PIPE" => '|',
        "SEMICOLON" => ';',
        "SPACE" => ' ',
        "TAB" => '\t',
        other => {
            return Err(reader_failed(format!(
                "ItemReader: unknown CSVDelimiter '{other}'"
            )))
        }
    };
    let mut rows = parse_csv(text, delimiter).into_iter();
    let headers: Vec<String> = match get("CSVHeaderLocation").and_then(Value::as_str) {
        Some("GIVEN") => get("CSVHeaders")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .ok_or_else(|| reader_failed("ItemReader: CSVHeaderLocation GIVEN needs CSVHeaders"))?,
        _ => rows.next().unwrap_or_default(),
    };
    // One shared key per header: a copy per cell made 1,000 headers of 1 KB over 2,000 rows
    // cost 2 GB.
    let headers: Vec<Rc<str>> = headers.iter().map(|h| Rc::from(h.as_str())).collect();
    Ok(rows
        .map(|row| {
            let mut m = Map::with_capacity_and_hasher(headers.len(), Default::default());
            for (h, cell) in headers.iter().zip(row) {
                m.insert(h.clone(), Value::from(cell));
            }
            Value::from(m)
        })
        .collect())
}

/// RFC 4180 fields: quotes around a field allow the delimiter, newlines and `""` inside.
fn parse_csv(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                c => field.push(c),
            }
        } else if c == '"' && field.is_empty() {
            quoted = true;
        } else if c == delimiter {
            row.push(std::mem::take(&mut field));
        } else if c == '\n' || c == '\r' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            row.push(std::mem::take(&mut field));
            rows.push(std::mem::take(&mut row));
            any = false;
        } else {
            field.push(c);
        }
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    rows
}

/// `ItemBatcher`: `MaxItemsPerBatch`, `MaxInputBytesPerBatch` (the batch's JSON size) and
/// `BatchInput`. Returns each batch as the child's input `{"BatchInput"?, "Items"}`.
pub(crate) fn batches(
    items: Vec<Value>,
    max_items: Option<usize>,
    max_bytes: Option<usize>,
    batch_input: Option<&Value>,
) -> Vec<(Value, usize)> {
    let max_items = max_items.filter(|m| *m > 0).unwrap_or(usize::MAX);
    // AWS: a batch holds at most 256 KiB of input.
    let max_bytes = max_bytes.filter(|m| *m > 0).unwrap_or(256 * 1024);
    let envelope = |items: Vec<Value>| {
        let n = items.len();
        let mut m = Map::with_capacity_and_hasher(2, Default::default());
        if let Some(b) = batch_input {
            m.insert(Rc::from("BatchInput"), b.clone());
        }
        m.insert(Rc::from("Items"), Value::from(items));
        (Value::from(m), n)
    };
    let mut out = Vec::new();
    let mut current = Vec::new();
    let mut bytes = 0usize;
    for item in items {
        let size = item.json_size() + 1;
        if !current.is_empty() && (current.len() >= max_items || bytes + size > max_bytes) {
            out.push(envelope(std::mem::take(&mut current)));
            bytes = 0;
        }
        bytes += size;
        current.push(item);
    }
    if !current.is_empty() {
        out.push(envelope(current));
    }
    out
}

/// A failed child's error and cause.
pub(crate) type ChildError = (Option<Rc<str>>, Option<Rc<str>>);

/// One child execution's outcome, as `ResultWriter` and `WriterConfig` see it.
#[derive(Debug, Clone)]
pub(crate) struct ChildOutcome {
    pub execution_arn: Rc<str>,
    pub name: Rc<str>,
    pub input: Value,
    pub start_ms: i64,
    pub stop_ms: i64,
    /// Output, or (error, cause).
    pub result: Result<Value, ChildError>,
}

impl ChildOutcome {
    /// AWS's per-execution record (DescribeExecution-like) in result files and `NONE` output.
    pub(crate) fn record(&self, state_machine_arn: &str) -> Value {
        let mut m = crate::obj! {
            "ExecutionArn" => self.execution_arn.clone(),
            "Input" => self.input.to_json(),
            "InputDetails" => crate::obj! { "Included" => true },
            "Name" => self.name.clone(),
            "StartDate" => crate::syntax::time::format_rfc3339_millis(self.start_ms),
            "StateMachineArn" => state_machine_arn,
            "Status" => if self.result.is_ok() { "SUCCEEDED" } else { "FAILED" },
            "StopDate" => crate::syntax::time::format_rfc3339_millis(self.stop_ms),
        };
        if let Value::Object(o) = &mut m {
            let o = Rc::make_mut(o);
            match &self.result {
                Ok(v) => {
                    o.insert(Rc::from("Output"), Value::from(v.to_json()));
                    o.insert(
                        Rc::from("OutputDetails"),
                        crate::obj! { "Included" => true },
                    );
                }
                Err((e, c)) => {
                    if let Some(e) = e {
                        o.insert(Rc::from("Error"), Value::String(e.clone()));
                    }
                    if let Some(c) = c {
                        o.insert(Rc::from("Cause"), Value::String(c.clone()));
                    }
                }
            }
        }
        m
    }
}

/// `WriterConfig.Transformation` applied to the children's results: `COMPACT` (outputs, the
/// default without ResultWriter), `FLATTEN` (batch outputs that are arrays are spliced in),
/// `NONE` (the full per-execution records).
pub(crate) fn transform(
    children: &[ChildOutcome],
    transformation: &str,
    machine_arn: &str,
) -> Value {
    let output = |c: &ChildOutcome| match &c.result {
        Ok(v) => v.clone(),
        Err((e, cause)) => crate::obj! {
            "Error" => e.as_deref().map_or(Value::Null, Value::from),
            "Cause" => cause.as_deref().map_or(Value::Null, Value::from),
        },
    };
    match transformation {
        "NONE" => Value::from(
            children
                .iter()
                .map(|c| c.record(machine_arn))
                .collect::<Vec<_>>(),
        ),
        "FLATTEN" => Value::from(
            children
                .iter()
                .flat_map(|c| match output(c) {
                    Value::Array(a) => a.as_ref().clone(),
                    v => vec![v],
                })
                .collect::<Vec<_>>(),
        ),
        _ => Value::from(children.iter().map(output).collect::<Vec<_>>()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buckets() -> Value {
        crate::syntax::json::parse(
            r#"{"data": {
                "orders.csv": "id,sku,qty\n1,a,2\n2,\"b,c\",1\n",
                "pipes.csv": "1|x\n2|y",
                "list.json": "[{\"n\":1},{\"n\":2},{\"n\":3}]",
                "lines.jsonl": "{\"n\":1}\n{\"n\":2}\n",
                "in/a.mp4": "aaaa", "in/b.mp4": "bb", "other": ""
            }}"#,
        )
        .unwrap()
    }

    fn read(
        resource: &str,
        params: &str,
        config: &str,
        max: Option<usize>,
    ) -> Result<String, String> {
        let p = crate::syntax::json::parse(params).unwrap();
        let c = crate::syntax::json::parse(config).ok();
        read_items(
            &buckets(),
            &ReadRequest {
                resource,
                parameters: &p,
                config: c.as_ref(),
                max_items: max,
            },
        )
        .map(|v| Value::from(v).to_json())
        .map_err(|f| format!("{}: {}", f.error, f.cause.unwrap_or_default()))
    }

    #[test]
    fn reads_csv_json_jsonl_and_listings() {
        let get = "arn:aws:states:::s3:getObject";
        assert_eq!(
            read(
                get,
                r#"{"Bucket":"data","Key":"orders.csv"}"#,
                r#"{"InputType":"CSV","CSVHeaderLocation":"FIRST_ROW"}"#,
                None
            ),
            Ok(r#"[{"id":"1","sku":"a","qty":"2"},{"id":"2","sku":"b,c","qty":"1"}]"#.into())
        );
        assert_eq!(
            read(
                get,
                r#"{"Bucket":"data","Key":"pipes.csv"}"#,
                r#"{"InputType":"CSV","CSVHeaderLocation":"GIVEN","CSVHeaders":["n","v"],"CSVDelimiter":"PIPE"}"#,
                None
            ),
            Ok(r#"[{"n":"1","v":"x"},{"n":"2","v":"y"}]"#.into())
        );
        assert_eq!(
            read(
                get,
                r#"{"Bucket":"data","Key":"list.json"}"#,
                r#"{"InputType":"JSON"}"#,
                Some(2)
            ),
            Ok(r#"[{"n":1},{"n":2}]"#.into())
        );
        assert_eq!(
            read(
                get,
                r#"{"Bucket":"data","Key":"lines.jsonl"}"#,
                r#"{"InputType":"JSONL"}"#,
                None
            ),
            Ok(r#"[{"n":1},{"n":2}]"#.into())
        );
        let listing = read(
            "arn:aws:states:::s3:listObjectsV2",
            r#"{"Bucket":"data","Prefix":"in/"}"#,
            "null",
            None,
        )
        .unwrap();
        assert!(
            listing.contains(r#""Key":"in/a.mp4""#)
                && listing.contains(r#""Size":4"#)
                && !listing.contains("other"),
            "{listing}"
        );
        let missing = read(get, r#"{"Bucket":"data","Key":"nope"}"#, "null", None).unwrap_err();
        assert!(
            missing.starts_with("States.ItemReaderFailed") && missing.contains("nope"),
            "{missing}"
        );
    }

    #[test]
    fn batches_by_count_and_bytes_with_batch_input() {
        let items: Vec<Value> = (0..5).map(Value::from).collect();
        let b = batches(
            items.clone(),
            Some(2),
            None,
            Some(&crate::obj! { "run" => 1 }),
        );
        assert_eq!(b.len(), 3);
        assert_eq!(
            b[0].0.to_json(),
            r#"{"BatchInput":{"run":1},"Items":[0,1]}"#
        );
        assert_eq!(b[2].1, 1);
        // Each item is 1 byte of JSON plus a separator: three fit in a 6-byte batch.
        let b = batches(items, None, Some(6), None);
        assert_eq!(b.iter().map(|x| x.1).collect::<Vec<_>>(), vec![3, 2]);
    }
}
