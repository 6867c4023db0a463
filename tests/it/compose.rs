//! `compose.yaml` as far as this machine can check it without Docker: it parses, and it agrees
//! with the Dockerfile and the rest of the repository. The bot is built from `.` with
//! `Dockerfile`, keeps its database on a named volume at the Dockerfile's `VOLUME` (where
//! `DEBATE_BOT_DATABASE` points), restarts unless stopped, takes the token from `.env` (which
//! git and the image build never see; `.env.example` is committed), has the Dockerfile's health
//! check, and serves metrics on the port it publishes and the commented Prometheus scrapes.
//! The commented Prometheus block is checked uncommented.

use std::collections::HashMap;
use std::path::Path;

use serde_yaml_ng::Value;

fn read(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The instructions of the Dockerfile's last stage (the image that runs): continuation lines
/// joined, comments left out, each as (INSTRUCTION, the rest).
fn dockerfile() -> Vec<(String, String)> {
    let text = read("Dockerfile");
    let mut instructions = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') || (trimmed.is_empty() && current.is_empty()) {
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part);
                current.push(' ');
            }
            None => {
                current.push_str(trimmed);
                let (instruction, rest) = current.split_once(' ').unwrap_or((&current, ""));
                if instruction.eq_ignore_ascii_case("FROM") {
                    instructions.clear();
                }
                instructions.push((instruction.to_uppercase(), rest.trim().to_string()));
                current.clear();
            }
        }
    }
    instructions
}

fn instruction(name: &str) -> String {
    let all: Vec<String> = dockerfile()
        .into_iter()
        .filter(|(i, _)| i == name)
        .map(|(_, rest)| rest)
        .collect();
    assert_eq!(all.len(), 1, "one {name} in the Dockerfile: {all:?}");
    all.into_iter().next().unwrap()
}

/// compose.yaml with the lines between `# [prometheus]` and `# [/prometheus]` uncommented.
fn uncommented(text: &str) -> String {
    let mut inside = false;
    let mut out = String::new();
    for line in text.lines() {
        match line.trim() {
            "# [prometheus]" => inside = true,
            "# [/prometheus]" => inside = false,
            _ if inside => {
                let indent = line.len() - line.trim_start().len();
                let rest = line.trim_start();
                let rest = rest
                    .strip_prefix("# ")
                    .or_else(|| rest.strip_prefix('#'))
                    .unwrap_or_else(|| panic!("not commented inside [prometheus]: {line:?}"));
                out.push_str(&line[..indent]);
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    assert!(!inside, "a [prometheus] block is not closed");
    out
}

fn parse(text: &str) -> Value {
    serde_yaml_ng::from_str(text).unwrap_or_else(|e| panic!("compose.yaml does not parse: {e}"))
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    let mut at = value;
    for key in path {
        at = &at[*key];
    }
    at.as_str()
        .unwrap_or_else(|| panic!("{} is not a string: {at:?}", path.join(".")))
}

/// The bot service's environment as a map (compose allows a map or a list of `K=V`).
fn environment(bot: &Value) -> HashMap<String, String> {
    match &bot["environment"] {
        Value::Mapping(map) => map
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Value::String(s) => s.clone(),
                    other => serde_yaml_ng::to_string(other).unwrap().trim().to_string(),
                };
                (k.as_str().unwrap().to_string(), value)
            })
            .collect(),
        Value::Sequence(items) => items
            .iter()
            .filter_map(|i| i.as_str()?.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        _ => HashMap::new(),
    }
}

#[test]
fn compose_builds_the_dockerfile_and_agrees_with_it() {
    let compose = parse(&read("compose.yaml"));
    let bot = &compose["services"]["bot"];
    assert!(bot.is_mapping(), "a service named bot");

    // Built from this folder with the Dockerfile.
    assert_eq!(str_at(bot, &["build", "context"]), ".");
    assert_eq!(str_at(bot, &["build", "dockerfile"]), "Dockerfile");
    assert_eq!(str_at(bot, &["restart"]), "unless-stopped");

    // The database on a named volume, mounted where the Dockerfile's VOLUME is and where
    // DEBATE_BOT_DATABASE points.
    let volume = instruction("VOLUME");
    let volume = volume.trim_matches(|c| c == '[' || c == ']' || c == '"');
    let env = instruction("ENV");
    let database = env
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix("DEBATE_BOT_DATABASE="))
        .expect("the Dockerfile sets DEBATE_BOT_DATABASE");
    let db_path = database.strip_prefix("sqlite://").expect("a sqlite:// URL");
    assert!(
        Path::new(db_path).starts_with(volume),
        "{database} is not on the volume {volume}"
    );
    let mounts: Vec<&str> = bot["volumes"]
        .as_sequence()
        .expect("the bot's volumes")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let named = mounts
        .iter()
        .find_map(|m| m.strip_suffix(&format!(":{volume}")))
        .unwrap_or_else(|| panic!("no volume mounted at {volume}: {mounts:?}"));
    assert!(
        !named.starts_with('.') && !named.starts_with('/'),
        "{named} is a bind mount, not a named volume"
    );
    assert!(
        compose["volumes"]
            .as_mapping()
            .is_some_and(|v| v.contains_key(named)),
        "the volume {named} is declared"
    );

    // The health check is the Dockerfile's.
    let healthcheck = instruction("HEALTHCHECK");
    let (options, command) = healthcheck
        .split_once(" CMD ")
        .expect("HEALTHCHECK ... CMD");
    let command: Vec<String> = serde_json::from_str(command.trim()).expect("CMD in exec form");
    let test: Vec<String> = bot["healthcheck"]["test"]
        .as_sequence()
        .expect("healthcheck.test as a list")
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(test[0], "CMD");
    assert_eq!(test[1..], command[..]);
    for option in options.split_whitespace() {
        let (name, value) = option
            .trim_start_matches("--")
            .split_once('=')
            .expect("--name=value");
        let key = name.replace('-', "_");
        let compose_value = match &bot["healthcheck"][key.as_str()] {
            Value::Number(n) => n.to_string(),
            Value::String(s) => s.clone(),
            other => panic!("healthcheck.{key}: {other:?}"),
        };
        assert_eq!(compose_value, value, "healthcheck.{key}");
    }
    assert!(
        read("Dockerfile").contains("ENTRYPOINT [\"/usr/local/bin/debate-bot\"]"),
        "the health check runs the binary the image starts"
    );
}

#[test]
fn the_token_comes_from_an_env_file_no_one_commits() {
    let compose = read("compose.yaml");
    let bot = &parse(&compose)["services"]["bot"];
    let env_files: Vec<&str> = match &bot["env_file"] {
        Value::String(s) => vec![s.as_str()],
        Value::Sequence(items) => items
            .iter()
            .filter_map(|i| i.as_str().or_else(|| i["path"].as_str()))
            .collect(),
        other => panic!("env_file: {other:?}"),
    };
    assert_eq!(env_files, [".env"]);
    assert!(
        !environment(bot).contains_key("TELOXIDE_TOKEN") && !compose.contains("TELOXIDE_TOKEN="),
        "no token in compose.yaml"
    );
    let example = read(".env.example");
    assert!(example.lines().any(|l| l == "TELOXIDE_TOKEN="), "{example}");
    for ignore in [".gitignore", ".dockerignore"] {
        assert!(
            read(ignore).lines().any(|l| l.trim() == ".env"),
            "{ignore} keeps .env out"
        );
    }
}

#[test]
fn metrics_are_published_where_the_commented_prometheus_scrapes() {
    let text = read("compose.yaml");
    let bot = &parse(&text)["services"]["bot"];
    let listen: std::net::SocketAddr = environment(bot)["DEBATE_BOT_METRICS_LISTEN"]
        .parse()
        .expect("an address");
    assert!(
        listen.ip().is_unspecified(),
        "reachable from the compose network"
    );
    let port = listen.port();
    let ports: Vec<&str> = bot["ports"]
        .as_sequence()
        .expect("ports")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        ports,
        [format!("127.0.0.1:{port}:{port}")],
        "published on the host's loopback only"
    );
    assert!(
        instruction("EXPOSE")
            .split_whitespace()
            .any(|p| p == port.to_string()),
        "the Dockerfile exposes the metrics port {port}"
    );

    // The Prometheus block, uncommented, is a valid service scraping the bot.
    let full = parse(&uncommented(&text));
    let prometheus = &full["services"]["prometheus"];
    assert!(
        prometheus["image"]
            .as_str()
            .is_some_and(|i| i.starts_with("prom/prometheus:v"))
    );
    assert_eq!(str_at(prometheus, &["restart"]), "unless-stopped");
    let source = str_at(&prometheus["configs"][0], &["source"]);
    let config: Value = serde_yaml_ng::from_str(str_at(&full, &["configs", source, "content"]))
        .expect("the Prometheus configuration parses");
    let targets = &config["scrape_configs"][0]["static_configs"][0]["targets"];
    assert_eq!(targets.as_sequence().map(Vec::len), Some(1), "{targets:?}");
    assert_eq!(targets[0].as_str(), Some(format!("bot:{port}").as_str()));
    assert!(
        full["volumes"]
            .as_mapping()
            .is_some_and(|v| v.contains_key("prometheus-data"))
    );
    // Commented out as shipped.
    assert!(parse(&text)["services"]["prometheus"].is_null());
}
