// Live charts of alerts delivered per second: the cluster's (with the budget as a line) and the open file's. Each
// poll of the page's own API gives files' delivered counts; a rate is the change between two polls over the time
// between them. A file not seen at the last poll counts whole only if it arrived since: one that scrolls back into
// the list makes no spike.
"use strict";

const chartSpan = 300; // seconds shown
const refreshSlack = 5000; // ms: the server's clock and this browser's may differ a little

class DeliveryChart {
  constructor(element, withBudget) {
    this.element = element;
    this.withBudget = withBudget;
    this.times = [];
    this.rates = [];
    this.budgets = [];
    this.last = null; // { at, delivered: Map fileId → delivered }
    this.plot = null;
  }

  // files: the summaries read at `at` (ms, this browser's clock); budget: the cluster's, requests per second.
  add(at, files, budget) {
    const counts = new Map(files.map((f) => [f.fileId, f.delivered]));
    if (this.last && at > this.last.at) {
      let delivered = 0;
      for (const f of files) {
        if (this.last.delivered.has(f.fileId)) delivered += Math.max(0, f.delivered - this.last.delivered.get(f.fileId));
        else if (Date.parse(f.discoveredAt) > this.last.at - refreshSlack) delivered += f.delivered;
      }
      this.push(at / 1000, delivered / ((at - this.last.at) / 1000), budget);
    }
    this.last = { at, delivered: counts };
  }

  push(time, rate, budget) {
    this.times.push(time);
    this.rates.push(Math.round(rate * 10) / 10);
    this.budgets.push(budget ?? null);
    while (this.times.length > 0 && this.times[0] < time - chartSpan) {
      this.times.shift(); this.rates.shift(); this.budgets.shift();
    }
    this.element.dataset.points = this.times.length;
    this.element.dataset.latest = this.rates[this.rates.length - 1];
    this.element.dataset.max = Math.max(...this.rates);
    this.draw();
  }

  reset() {
    this.times = []; this.rates = []; this.budgets = []; this.last = null;
    this.element.dataset.points = 0;
    this.draw();
  }

  draw() {
    if (typeof uPlot === "undefined") return; // the library did not load: the figures above still tell
    const data = this.withBudget ? [this.times, this.rates, this.budgets] : [this.times, this.rates];
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    const series = [{}, { label: "delivered/s", stroke: "#2f7de1", fill: "#2f7de122", width: 2, points: { show: true, size: 4 } }];
    if (this.withBudget) series.push({ label: "budget/s", stroke: "#a36200", dash: [6, 4], width: 1.5 });
    this.plot = new uPlot({
      width: Math.max(300, this.element.clientWidth || 600),
      height: 180,
      series,
      // The last five minutes up to the newest point, whatever the points: one point alone would span years.
      scales: {
        x: { time: true, range: (u, min, max) => { const end = max ?? Date.now() / 1000; return [end - chartSpan, end]; } },
        y: { range: (u, min, max) => [0, Math.max(10, (max ?? 0) * 1.1)] },
      },
      axes: [
        { space: 90, values: (u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" })) },
        { label: "per second", size: 60 },
      ],
    }, data, this.element);
    new ResizeObserver(() => this.plot.setSize({ width: Math.max(300, this.element.clientWidth), height: 180 })).observe(this.element);
  }
}
