// The graph drawing: cytoscape.js styled from the server's DOT legend entries, with
// expansion and collapse of neighbours, pinning, layouts that keep known positions,
// and an SVG writer of our own (built with DOM calls, so all text is escaped).
"use strict";

// DOT shape names (the CLI's legend) to the nearest cytoscape.js shape.
const SHAPES = {
  box: "round-rectangle", ellipse: "ellipse", hexagon: "hexagon", octagon: "octagon",
  house: "pentagon", diamond: "diamond", note: "cut-rectangle", component: "barrel",
};

// Past this many nodes a drawing is laid out hierarchically unless force is chosen.
const LARGE_DRAWING = 300;

// The closest a fitted drawing zooms in.
const MAX_FIT_ZOOM = 1.3;

class GraphView {
  constructor(container) {
    this.lang = "az";
    this.positions = new Map(); // node key -> {x, y}, kept across results
    this.pinned = new Set(); // node keys the user pinned
    this.expanded = new Map(); // node key -> {shown, total}
    this.cy = cytoscape({
      container,
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", shape: "data(shape)", label: "data(caption)",
          "border-width": 1, "border-color": "#555", "text-wrap": "wrap", "text-max-width": 142,
          "font-size": 10, "text-valign": "center", "text-halign": "center",
          // Fixed sizes: layouts then know each node's extent before it is drawn.
          width: 150, height: 50,
          "font-family": "DejaVu Sans, Noto Sans, Arial, sans-serif",
        } },
        { selector: "node.pinned", style: { "border-width": 3, "border-color": "#24313f" } },
        { selector: "node:selected", style: { "border-width": 3, "border-color": "#d62728" } },
        { selector: "edge", style: {
          width: 1.5, "line-color": "#999", "target-arrow-color": "#999",
          "target-arrow-shape": "triangle", "curve-style": "bezier", label: "data(type)",
          "font-size": 9, "text-rotation": "autorotate", color: "#555",
          "text-background-color": "#fff", "text-background-opacity": 0.8,
        } },
        { selector: "edge:selected", style: { "line-color": "#d62728", width: 3 } },
      ],
    });
    this.cy.on("dragfree", "node", (event) => this.remember(event.target));
  }

  static nodeData(node, lang) {
    return {
      id: "n:" + node.id, key: node.id, labels: node.labels, properties: node.properties,
      captions: node.captions, caption: node.captions[lang] || node.id,
      colour: node.style.colour, shape: SHAPES[node.style.shape] || "ellipse",
      legend: node.style.label,
    };
  }

  static edgeData(edge) {
    return {
      id: "e:" + edge.id, key: edge.id, source: "n:" + edge.start, target: "n:" + edge.end,
      type: edge.type, properties: edge.properties,
    };
  }

  remember(node) {
    this.positions.set(node.data("key"), { ...node.position() });
  }

  rememberAll() {
    this.cy.nodes().forEach((node) => this.remember(node));
  }

  // Replaces the drawing with `graph` ({nodes, edges} from the API) and lays it out;
  // nodes seen before go back where they were. Calls `done` once drawn.
  show(graph, layout, done) {
    this.expanded.clear();
    this.cy.elements().remove();
    this.add(graph, null);
    this.layout(layout, done);
  }

  // Adds elements not drawn yet; `origin` is the key of the node whose expansion
  // brought them (so collapsing can take them away again). Returns the added nodes.
  add(graph, origin) {
    const added = [];
    for (const node of graph.nodes) {
      if (this.cy.getElementById("n:" + node.id).nonempty()) continue;
      const data = GraphView.nodeData(node, this.lang);
      data.origin = origin;
      const element = { group: "nodes", data };
      const known = this.positions.get(node.id);
      if (known) element.position = { ...known };
      const drawn = this.cy.add(element);
      if (this.pinned.has(node.id)) drawn.addClass("pinned").lock();
      added.push(drawn);
    }
    for (const edge of graph.edges) {
      if (this.cy.getElementById("e:" + edge.id).nonempty()) continue;
      const data = GraphView.edgeData(edge);
      data.origin = origin;
      this.cy.add({ group: "edges", data });
    }
    return added;
  }

  // Runs a layout over the nodes without a remembered position; when every node has
  // one, they are simply placed (a shared link shows the same view).
  // `chosen` says the user picked the layout just now; otherwise a large drawing is laid
  // out hierarchically, since cose took 17 s for 1,000 nodes where breadth-first took 1 s.
  layout(name, done, chosen = false) {
    const unknown = this.cy.nodes().filter((node) => !this.positions.has(node.data("key")));
    const finish = () => {
      // A few nodes fitted to the whole canvas would be drawn huge; keep text at a reading size.
      this.fitAll();
      this.rememberAll();
      if (done) done();
    };
    if (this.cy.nodes().empty()) { finish(); return; }
    if (unknown.empty()) {
      this.cy.nodes().forEach((node) => { node.position({ ...this.positions.get(node.data("key")) }); });
      finish();
      return;
    }
    const known = this.cy.nodes().difference(unknown).filter((node) => !node.locked());
    known.lock();
    let options;
    if (this.cy.edges().empty()) {
      // Force layouts pile unconnected nodes up; a grid shows them all.
      options = { name: "grid", avoidOverlap: true, condense: true };
    } else if (name === "breadthfirst" || (!chosen && this.cy.nodes().length > LARGE_DRAWING)) {
      options = { name: "breadthfirst", directed: true, spacingFactor: 1.1, animate: false };
    } else {
      options = {
        name: "cose", animate: false, randomize: known.empty(), nodeDimensionsIncludeLabels: true,
        nodeRepulsion: () => 400000, nodeOverlap: 40, idealEdgeLength: () => 120,
        // cose costs about n² per iteration; large drawings settle for fewer.
        numIter: this.cy.nodes().length > LARGE_DRAWING ? 100 : 1500,
      };
    }
    const running = this.cy.layout({ ...options, fit: true, padding: 30 });
    running.one("layoutstop", () => { known.unlock(); finish(); });
    running.run();
  }

  // Lays everything out again (the layout switch), pinned nodes staying put.
  relayout(name, done) {
    for (const key of [...this.positions.keys()]) {
      if (!this.pinned.has(key)) this.positions.delete(key);
    }
    this.layout(name, done, true);
  }

  setLanguage(lang) {
    this.lang = lang;
    this.cy.nodes().forEach((node) => {
      node.data("caption", node.data("captions")[lang] || node.data("key"));
    });
  }

  togglePin(node) {
    const key = node.data("key");
    if (this.pinned.has(key)) {
      this.pinned.delete(key);
      node.removeClass("pinned").unlock();
    } else {
      this.pinned.add(key);
      this.remember(node);
      node.addClass("pinned").lock();
    }
  }

  // Draws the neighbours an expansion page brought, in a ring around their origin.
  placeAround(origin, added) {
    const centre = origin.position();
    // Room on the ring for every new node's width.
    const radius = Math.max(220, (added.length * 170) / (2 * Math.PI));
    added.forEach((node, index) => {
      if (this.positions.has(node.data("key"))) return;
      const angle = (2 * Math.PI * index) / Math.max(added.length, 1);
      node.position({ x: centre.x + radius * Math.cos(angle), y: centre.y + radius * Math.sin(angle) });
      this.remember(node);
    });
    this.fitAll();
  }

  // Fits the drawing to the canvas, without zooming in past a reading size.
  fitAll() {
    this.cy.fit(undefined, 30);
    if (this.cy.zoom() > MAX_FIT_ZOOM) { this.cy.zoom(MAX_FIT_ZOOM); this.cy.center(); }
  }

  // Removes what expanding `key` added (and what expanding those added, in turn).
  collapse(key) {
    const removed = this.cy.elements().filter((element) => element.data("origin") === key);
    removed.nodes().forEach((node) => {
      if (this.expanded.has(node.data("key"))) this.collapse(node.data("key"));
    });
    this.cy.remove(this.cy.elements().filter((element) => element.data("origin") === key));
    this.expanded.delete(key);
  }

  // The view to save in a link: positions of the drawn nodes and the pinned ones.
  viewState() {
    const positions = {};
    this.cy.nodes().forEach((node) => {
      const { x, y } = node.position();
      positions[node.data("key")] = [Math.round(x), Math.round(y)];
    });
    return { positions, pinned: [...this.pinned] };
  }

  restoreView(state) {
    if (!state || typeof state !== "object") return;
    for (const [key, point] of Object.entries(state.positions || {})) {
      if (Array.isArray(point) && point.length === 2) this.positions.set(key, { x: +point[0], y: +point[1] });
    }
    for (const key of state.pinned || []) this.pinned.add(String(key));
  }

  // The drawing as an SVG document: edges as lines with arrow heads, nodes as their
  // shapes' outlines, captions as text.
  toSvg() {
    const ns = "http://www.w3.org/2000/svg";
    const box = this.cy.elements().boundingBox();
    const margin = 20;
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("xmlns", ns);
    svg.setAttribute("viewBox", [box.x1 - margin, box.y1 - margin, box.w + 2 * margin, box.h + 2 * margin].join(" "));
    svg.setAttribute("width", Math.ceil(box.w + 2 * margin));
    svg.setAttribute("height", Math.ceil(box.h + 2 * margin));
    const make = (name, attributes, parent) => {
      const element = document.createElementNS(ns, name);
      for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
      (parent || svg).appendChild(element);
      return element;
    };
    const defs = make("defs", {});
    const marker = make("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto" }, defs);
    make("path", { d: "M0,0 L10,5 L0,10 z", fill: "#999" }, marker);
    this.cy.edges().forEach((edge) => {
      const start = edge.sourceEndpoint();
      const end = edge.targetEndpoint();
      make("line", { x1: start.x, y1: start.y, x2: end.x, y2: end.y, stroke: "#999", "stroke-width": 1.5, "marker-end": "url(#arrow)" });
      const label = make("text", { x: (start.x + end.x) / 2, y: (start.y + end.y) / 2, "font-size": 9, "text-anchor": "middle", fill: "#555" });
      label.textContent = edge.data("type");
    });
    this.cy.nodes().forEach((node) => {
      const { x, y } = node.position();
      const w = node.width() / 2 + 8;
      const h = node.height() / 2 + 8;
      const style = { fill: node.data("colour"), stroke: "#555" };
      if (node.data("shape") === "ellipse") {
        make("ellipse", { cx: x, cy: y, rx: w, ry: h, ...style });
      } else if (node.data("shape") === "diamond") {
        make("polygon", { points: `${x},${y - h} ${x + w},${y} ${x},${y + h} ${x - w},${y}`, ...style });
      } else {
        make("rect", { x: x - w, y: y - h, width: 2 * w, height: 2 * h, rx: 4, ...style });
      }
      const caption = make("text", { x, y: y + 4, "font-size": 11, "text-anchor": "middle", "font-family": "DejaVu Sans, Arial, sans-serif" });
      caption.textContent = node.data("caption");
    });
    return new XMLSerializer().serializeToString(svg);
  }
}

window.GraphView = GraphView;
