"""Times POST /v1/assistant/chat over HTTP: 300 turns from one client, a mix of policy
questions, product searches, greetings and out-of-scope messages in English and Chinese, each
in its own conversation after a warm-up. Prints p50, p95 and p99 in milliseconds as JSON.

Run by bench/assistant.sh: python3 assistant_http.py BASE_URL WRITE_KEY
"""
import json
import statistics
import sys
import time
import urllib.request

BASE, KEY = sys.argv[1], sys.argv[2]
MESSAGES = [
    "what is your return policy?",
    "show me running shoes under 500",
    "hello",
    "how long does delivery take?",
    "有跑步鞋吗",
    "支持哪些付款方式",
    "what's the weather tomorrow?",
    "I need a backpack",
    "推荐一款耳机",
    "can I pay with alipay?",
]


def turn(conversation, message):
    body = json.dumps({"conversation_id": conversation, "message": message}).encode()
    request = urllib.request.Request(
        BASE + "/v1/assistant/chat",
        data=body,
        headers={"Authorization": "Bearer " + KEY, "Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def main():
    for _ in range(120):  # the server opens its search index in the background
        try:
            urllib.request.urlopen(BASE + "/health/ready", timeout=2)
            break
        except Exception:
            time.sleep(0.5)
    for k in range(20):
        turn(f"warm-{k}", MESSAGES[k % len(MESSAGES)])
    times = sorted(turn(f"c-{k}", MESSAGES[k % len(MESSAGES)]) for k in range(300))
    pick = lambda q: times[min(len(times) - 1, int(q * len(times)))]
    print(json.dumps({"turns": len(times), "p50_ms": round(statistics.median(times), 2),
                      "p95_ms": round(pick(0.95), 2), "p99_ms": round(pick(0.99), 2)}))


if __name__ == "__main__":
    main()
