//! `iocx lookup`: log rows come back as they went in, plus the events their
//! column's value is in.

use crate::assert_run;
use crate::store_support::{db_ok, db_run, uuid, write_events, Ev};

fn store() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = write_events(
        dir.path(),
        &[
            Ev::new('a', &[("ip-dst", "203.0.113.7"), ("domain", "evil.com")]),
            Ev::new('b', &[("ip-dst|port", "203.0.113.7|443")]),
        ],
    );
    db_ok(dir.path(), &["import", "misp", &files[0], &files[1]]);
    dir
}

#[test]
fn jsonl_rows_keep_their_fields_order_and_text() {
    let dir = store();
    let r = db_run(
        dir.path(),
        &["lookup", "--column", "dest_ip", "--format", "jsonl"],
        b"{\"ts\": 1.50, \"dest_ip\": \"203.0.113[.]7\", \"note\": \"caf\\u00e9\"}\n\
          \n\
          {\"dest_ip\": null, \"z\": 1}  \n\
          {}\n\
          {\"dest_ip\": \"evil.com\", \"iocx_events\": \"stale\"}\n",
    );
    let (a, b) = (uuid('a'), uuid('b'));
    assert_run(
        &r,
        0,
        &format!(
            "{{\"ts\": 1.50, \"dest_ip\": \"203.0.113[.]7\", \"note\": \"caf\\u00e9\",\"iocx_events\":[{{\"event\":\"{a}\",\"info\":\"Event A\"}},{{\"event\":\"{b}\",\"info\":\"Event B\"}}]}}\n\
             {{\"dest_ip\": null, \"z\": 1,\"iocx_events\":[]}}\n\
             {{\"iocx_events\":[]}}\n\
             {{\"dest_ip\":\"evil.com\",\"iocx_events\":[{{\"event\":\"{a}\",\"info\":\"Event A\"}}]}}\n"
        ),
        "",
    );
}

#[test]
fn csv_rows_pass_through_byte_for_byte() {
    // Raw bytes: a log line that is not UTF-8 must not stop the run.
    let dir = store();
    let a = uuid('a');
    let b = uuid('b');
    let mut want = b"dest_ip,agent,iocx_events,iocx_info\n203.0.113.7,\"Mozilla, \xff\",".to_vec();
    want.extend(format!("{a};{b},Event A;Event B\nnothing,x,,\n").as_bytes());
    let out = crate::iocx(dir.path())
        .args(["lookup", "--column", "dest_ip", "--db", "iocx.db"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .expect("piped")
                .write_all(b"dest_ip,agent\n203.0.113.7,\"Mozilla, \xff\"\nnothing,x\n")?;
            child.wait_with_output()
        })
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&want)
    );
    assert_eq!(out.stdout, want);
}
