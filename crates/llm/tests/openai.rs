//! The OpenAI-compatible client against a loopback server speaking the protocol (a std
//! `TcpListener` thread with scripted answers): streaming, the request it sends, early stops,
//! error statuses, malformed streams, a server that does not stream, and an absent server.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread::JoinHandle;
use std::time::Duration;

use aisle_llm::{
    ChatMessage, ChatModel, Error, Finish, GenerateOptions, OpenAiCompatible, OpenAiConfig,
};

/// One scripted answer: status line, content type, and the body's pieces (each sent as its
/// own HTTP chunk, so SSE lines arrive split as they do from real servers).
struct Script {
    status: &'static str,
    content_type: &'static str,
    pieces: Vec<String>,
}

/// What the client sent.
struct Request {
    head: String,
    body: serde_json::Value,
}

/// Serves one request on a free loopback port; returns the base URL and the request seen.
fn serve(script: Script) -> (String, JoinHandle<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("the loopback server works");
    let url = format!("http://{}", listener.local_addr().expect("the loopback server works"));
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("the loopback server works");
        answer(stream, &script)
    });
    (url, handle)
}

fn answer(stream: TcpStream, script: &Script) -> Request {
    let mut reader = BufReader::new(stream.try_clone().expect("the loopback server works"));
    let mut head = String::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("the loopback server works");
        if line == "\r\n" || line.is_empty() {
            break;
        }
        head.push_str(&line);
    }
    let length: usize = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().parse().expect("the loopback server works"))
        })
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the loopback server works");
    let mut stream = stream;
    let response_head = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        script.status, script.content_type
    );
    // The client may hang up early (a stop string, a cancelled stream): ignore write errors.
    let _ = stream.write_all(response_head.as_bytes());
    for piece in &script.pieces {
        let _ = write!(stream, "{:x}\r\n{piece}\r\n", piece.len());
        let _ = stream.flush();
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    Request { head, body: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null) }
}

fn sse(texts: &[&str]) -> Vec<String> {
    let mut pieces =
        vec!["data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n".to_string()];
    for text in texts {
        let chunk =
            serde_json::json!({"choices": [{"delta": {"content": text}, "finish_reason": null}]});
        pieces.push(format!("data: {chunk}\n\n"));
    }
    pieces.push("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n".into());
    pieces.push(
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":21,\"completion_tokens\":4}}\n\n"
            .into(),
    );
    pieces.push("data: [DONE]\n\n".into());
    pieces
}

fn client(url: &str) -> OpenAiCompatible {
    let mut config = OpenAiConfig::new(url, "smollm2:135m");
    config.api_key = Some("test-key".into());
    config.timeout = Duration::from_secs(10);
    OpenAiCompatible::new(config).expect("the loopback server works")
}

fn messages() -> Vec<ChatMessage> {
    vec![ChatMessage::system("You are a shop assistant."), ChatMessage::user("Where is order A1?")]
}

#[test]
fn streams_an_answer_and_sends_the_protocol_request() {
    let pieces = sse(&["Your order ", "A1 ship", "ped on May 2", ". 跑步鞋"]);
    let (url, server) =
        serve(Script { status: "200 OK", content_type: "text/event-stream", pieces });
    let mut streamed = Vec::new();
    let options =
        GenerateOptions { max_tokens: 32, stop: vec!["STOP".into()], ..GenerateOptions::default() };
    let answer = client(&url)
        .generate(&messages(), &options, &mut |piece| {
            streamed.push(piece.to_string());
            true
        })
        .unwrap();
    assert_eq!(answer.text, "Your order A1 shipped on May 2. 跑步鞋");
    assert_eq!(streamed.concat(), answer.text);
    assert!(streamed.len() >= 3, "{streamed:?}");
    assert_eq!((answer.prompt_tokens, answer.generated_tokens), (21, 4));
    assert_eq!(answer.finish, Finish::EndOfText);
    assert!(answer.first_token <= answer.total);

    let request = server.join().unwrap();
    assert!(request.head.starts_with("POST /v1/chat/completions HTTP/1.1"), "{}", request.head);
    assert!(
        request.head.contains("authorization: Bearer test-key")
            || request.head.contains("Authorization: Bearer test-key")
    );
    let body = request.body;
    assert_eq!(body["model"], "smollm2:135m");
    assert_eq!(body["stream"], true);
    assert_eq!(body["max_tokens"], 32);
    assert_eq!(body["temperature"], 0.0);
    assert_eq!(body["stop"], serde_json::json!(["STOP"]));
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(body["messages"][1]["content"], "Where is order A1?");
}

#[test]
fn stop_strings_and_the_callback_end_the_answer_early() {
    let pieces = sse(&["Sure.", "\nShop", "per: more"]);
    let (url, server) =
        serve(Script { status: "200 OK", content_type: "text/event-stream", pieces });
    let options = GenerateOptions { stop: vec!["\nShopper:".into()], ..GenerateOptions::default() };
    let answer = client(&url).generate(&messages(), &options, &mut |_| true).unwrap();
    assert_eq!(answer.text, "Sure.");
    assert_eq!(answer.finish, Finish::Stop);
    server.join().unwrap();

    let (url, server) = serve(Script {
        status: "200 OK",
        content_type: "text/event-stream",
        pieces: sse(&["a", "b", "c"]),
    });
    let answer =
        client(&url).generate(&messages(), &GenerateOptions::default(), &mut |_| false).unwrap();
    assert_eq!((answer.text.as_str(), answer.finish), ("a", Finish::Cancelled));
    server.join().unwrap();
}

#[test]
fn an_error_status_quotes_the_body() {
    let body = "{\"error\":{\"message\":\"model 'smollm2:135m' not found, try pulling it first\"}}";
    let (url, server) = serve(Script {
        status: "404 Not Found",
        content_type: "application/json",
        pieces: vec![body.into()],
    });
    let error =
        client(&url).generate(&messages(), &GenerateOptions::default(), &mut |_| true).unwrap_err();
    match &error {
        Error::Status { status, body, .. } => {
            assert_eq!(*status, 404);
            assert!(body.contains("not found"), "{body}");
        }
        other => panic!("{other:?}"),
    }
    assert!(error.to_string().contains("assistant.llm.base_url"), "{error}");
    server.join().unwrap();
}

#[test]
fn a_malformed_stream_is_a_protocol_error() {
    let check = |pieces: Vec<String>, expected: &str| {
        let (url, server) =
            serve(Script { status: "200 OK", content_type: "text/event-stream", pieces });
        let error = client(&url)
            .generate(&messages(), &GenerateOptions::default(), &mut |_| true)
            .unwrap_err();
        assert!(matches!(error, Error::Protocol { .. }), "{error:?}");
        assert!(error.to_string().contains(expected), "{error}");
        server.join().unwrap();
    };
    check(vec!["data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}\n\n".into()], "bad JSON");
    check(vec!["<html>busy</html>\n".into()], "unexpected line");
    check(vec!["data: {\"error\":{\"message\":\"out of memory\"}}\n\n".into()], "out of memory");
    check(vec![": nothing yet\n\n".into()], "ended before");
}

#[test]
fn a_server_that_does_not_stream_still_answers() {
    let body = "{\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"Shipped.\"},\"finish_reason\":\"stop\"}],\
                \"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2}}";
    let (url, server) = serve(Script {
        status: "200 OK",
        content_type: "application/json",
        pieces: vec![body.into()],
    });
    let mut streamed = String::new();
    let answer = client(&url)
        .generate(&messages(), &GenerateOptions::default(), &mut |piece| {
            streamed.push_str(piece);
            true
        })
        .unwrap();
    assert_eq!((answer.text.as_str(), streamed.as_str()), ("Shipped.", "Shipped."));
    assert_eq!((answer.prompt_tokens, answer.generated_tokens), (9, 2));
    server.join().unwrap();
}

#[test]
fn choose_validates_the_answer_against_the_options() {
    let options: Vec<String> =
        ["search products", "order status", "store policy"].map(String::from).to_vec();
    let check = |reply: &str| {
        let (url, server) = serve(Script {
            status: "200 OK",
            content_type: "text/event-stream",
            pieces: sse(&[reply]),
        });
        let picked = client(&url).choose(&messages(), &options);
        let request = server.join().unwrap();
        let asked = request.body["messages"][1]["content"].as_str().unwrap_or_default().to_string();
        assert!(asked.contains("2. order status"), "{asked}");
        picked
    };
    assert_eq!(check("2").unwrap(), 1);
    assert_eq!(check("Order status.").unwrap(), 1);
    assert!(matches!(check("7"), Err(Error::InvalidChoice { options: 3, .. })));
    assert!(matches!(check("I cannot help"), Err(Error::InvalidChoice { .. })));
}

#[test]
fn an_absent_server_is_unreachable() {
    // A port that was free a moment ago: nothing listens there now.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let error = client(&format!("http://127.0.0.1:{port}"))
        .generate(&messages(), &GenerateOptions::default(), &mut |_| true)
        .unwrap_err();
    assert!(matches!(error, Error::Unreachable { .. }), "{error:?}");
    assert!(error.to_string().contains("is the server running"), "{error}");
}

#[test]
fn open_builds_each_backend_from_its_configuration() {
    assert!(aisle_llm::open(&aisle_llm::LlmConfig::Off).unwrap().is_none());
    let remote = aisle_llm::LlmConfig::OpenAi(OpenAiConfig::new("http://127.0.0.1:9", "m"));
    assert_eq!(aisle_llm::open(&remote).unwrap().unwrap().name(), "m");
    let missing = aisle_llm::LlmConfig::Local { model_path: "/nonexistent/model.gguf".into() };
    assert!(matches!(aisle_llm::open(&missing), Err(Error::ModelMissing { .. })));
    let bad = aisle_llm::LlmConfig::OpenAi(OpenAiConfig::new("127.0.0.1:9", "m"));
    assert!(matches!(aisle_llm::open(&bad), Err(Error::Config(_))));
}
