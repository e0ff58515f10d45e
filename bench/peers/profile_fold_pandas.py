"""Peer of Aisle's profile fold (crates/profiles/examples/profile_speed.rs): the same per-shopper
figures from the same generated records, computed the way a data team would in pandas.

Reads items.csv, events.csv and orders.csv written by `profile_speed --dump DIR` (not timed,
as generating the records is not timed on Aisle's side), then times the group-bys that give
each signed-in shopper: first and last seen, events by kind, events and active days in the
last 30 days, events by UTC hour and weekday, devices, RFM (orders not cancelled or returned,
else purchase events by distinct minute, with their spend), category and brand affinity
(views and clicks 1, favourites, ratings and reviews 2, carts 3, purchases 5) as the top ten
shares, and the mean price position of bought and browsed items between their category's
quartiles. Each event's item is joined to the catalog, as the fold looks each one up.

Run with: python profile_fold_pandas.py DIR   (bench/profile_fold.sh runs both sides)
"""

import sys
import time

import numpy as np
import pandas as pd

DAY_MS = 86_400_000
WEIGHTS = {"view": 1.0, "click": 1.0, "favorite": 2.0, "rating": 2.0, "review": 2.0,
           "add_to_cart": 3.0, "purchase": 5.0}


def top_shares(frame, key, n=10):
    """Each shopper's top `n` values of `key` by weight, as shares of their total."""
    weights = frame[frame["weight"] > 0].groupby(["user_id", key], observed=True)["weight"].sum()
    shares = weights / weights.groupby(level=0).transform("sum")
    ranked = shares.reset_index().sort_values(["user_id", "weight", key], ascending=[True, False, True])
    return ranked.groupby("user_id", sort=False).head(n)


def fold(items, events, orders):
    now = int(events["ts_ms"].max())
    ev = events.merge(items, on="item_id", how="left", suffixes=("", "_list"))
    ev["day"] = ev["ts_ms"] // DAY_MS
    ev["hour"] = (ev["ts_ms"] % DAY_MS) // 3_600_000
    ev["weekday"] = (ev["day"] + 3) % 7
    ev["weight"] = ev["kind"].map(WEIGHTS).fillna(0.0)
    by_user = ev.groupby("user_id")
    out = pd.DataFrame({
        "first_seen": by_user["ts_ms"].min(),
        "last_seen": by_user["ts_ms"].max(),
        "events": by_user.size(),
    })
    kinds = ev.groupby(["user_id", "kind"]).size().unstack(fill_value=0)
    recent = ev[ev["day"] > now // DAY_MS - 30]
    out["events_30d"] = recent.groupby("user_id").size()
    out["active_days_30d"] = recent.groupby("user_id")["day"].nunique()
    hours = ev.groupby(["user_id", "hour"]).size().unstack(fill_value=0)
    weekdays = ev.groupby(["user_id", "weekday"]).size().unstack(fill_value=0)
    devices = ev["device"].dropna().str.lower()
    device_counts = ev.loc[devices.index].assign(device=devices).groupby(["user_id", "device"]).size()

    bought = ev[ev["kind"] == "purchase"]
    spend = bought["price"] * bought["quantity"].fillna(1).clip(lower=0)
    purchases = pd.DataFrame({
        "last_purchase": bought.groupby("user_id")["ts_ms"].max(),
        "purchase_minutes": bought.assign(minute=bought["ts_ms"] // 60_000).groupby("user_id")["minute"].nunique(),
        "event_spend": spend.groupby(bought["user_id"]).sum(),
    })
    kept = orders[orders["kept"] == 1].drop_duplicates("order_id")
    by_order_user = kept.groupby("user_id")
    order_figures = pd.DataFrame({
        "orders": by_order_user.size(),
        "order_spend": by_order_user["total"].sum(),
        "last_order": by_order_user["ts_ms"].max(),
        "first_order": by_order_user["ts_ms"].min(),
    })
    out = out.join(purchases, how="outer").join(order_figures, how="outer")
    out["first_seen"] = out[["first_seen", "first_order"]].min(axis=1)
    out["last_seen"] = out[["last_seen", "last_order"]].max(axis=1)
    has_orders = out["orders"].fillna(0) > 0
    out["frequency"] = np.where(has_orders, out["orders"], out["purchase_minutes"]).astype(float)
    out["monetary"] = np.where(has_orders, out["order_spend"], out["event_spend"])
    last_purchase = out[["last_purchase", "last_order"]].max(axis=1)
    out["recency_days"] = (now - last_purchase) / DAY_MS

    # Price position between the category's quartiles, as CatalogFacts::relative_price.
    quartiles = items.dropna(subset=["category", "price"])
    quartiles = quartiles[quartiles["price"] > 0].groupby("category")["price"].quantile([0.25, 0.75]).unstack()
    quartiles.columns = ["low", "high"]
    priced = ev.assign(paid=ev["price"].fillna(ev["price_list"])).join(quartiles, on="category")
    priced = priced[(priced["paid"] > 0) & priced["low"].notna()]
    middle = (priced["low"] + priced["high"]) / 2
    half = np.maximum(np.maximum((priced["high"] - priced["low"]) / 2, middle.abs() * 0.05), 1e-9)
    priced = priced.assign(relative=((priced["paid"] - middle) / half).clip(-3, 3))
    side = np.where(priced["kind"] == "purchase", "bought",
                    np.where(priced["kind"].isin(["view", "click", "add_to_cart"]), "browsed", None))
    relative = priced.assign(side=side).dropna(subset=["side"]).groupby(["user_id", "side"])["relative"].mean().unstack()

    categories = top_shares(ev, "category")
    brands = top_shares(ev, "brand")
    return out, kinds, hours, weekdays, device_counts, relative, categories, brands


def main():
    folder = sys.argv[1]
    items = pd.read_csv(f"{folder}/items.csv", dtype={"item_id": str, "category": str, "brand": str})
    events = pd.read_csv(f"{folder}/events.csv", dtype={"user_id": str, "item_id": str, "kind": str, "device": str})
    orders = pd.read_csv(f"{folder}/orders.csv", dtype={"user_id": str, "order_id": str})
    records = len(events) + len(orders)
    started = time.perf_counter()
    out, *_ = fold(items, events, orders)
    seconds = time.perf_counter() - started
    print(f"pandas {pd.__version__}: {records} events and orders of {len(out)} shoppers folded "
          f"at {records / seconds:.0f} records/s in {seconds:.2f} s")


if __name__ == "__main__":
    main()
