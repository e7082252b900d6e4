"""Pictures and exports of the signed network: SVG (allies, enemies, sponsorship, legend) and GraphML."""

from __future__ import annotations

import hashlib
import io
import math
from html import escape

from actorgraph.graph.alliances.network import SignedNetwork, Tie, local

WIDTH, HEIGHT, MARGIN = 1100, 820, 70
KIND_COLOURS = {
    "State": "#1f4e79",
    "StateOrgan": "#5b9bd5",
    "NonStateActor": "#c55a11",
    "Actor": "#7f6000",
    "Person": "#7030a0",
    "Group": "#808080",
}
POSITIVE, NEGATIVE, SPONSOR = "#2e7d32", "#c62828", "#1565c0"


def _seed(node: str) -> tuple[float, float]:
    digest = hashlib.sha1(node.encode("utf-8")).digest()  # noqa: S324 - a layout seed, not security
    return digest[0] / 255.0, digest[1] / 255.0


def layout(network: SignedNetwork, iterations: int = 150) -> dict[str, tuple[float, float]]:
    """Fruchterman-Reingold positions in [0, 1]^2, deterministic (seeded by the node IRIs).

    Negative ties repel a little more than positive ties attract, so allies cluster apart from enemies.
    """
    nodes = network.nodes
    if not nodes:
        return {}
    pos = {n: _seed(n) for n in nodes}
    k = math.sqrt(1.0 / len(nodes))
    temperature = 0.1
    edges = [(t.a, t.b, t.sign) for t in network.ties.values()]
    for _ in range(iterations):
        disp = {n: [0.0, 0.0] for n in nodes}
        for i, a in enumerate(nodes):
            ax, ay = pos[a]
            for b in nodes[i + 1 :]:
                dx, dy = ax - pos[b][0], ay - pos[b][1]
                dist = max(math.hypot(dx, dy), 1e-4)
                force = k * k / dist
                disp[a][0] += dx / dist * force
                disp[a][1] += dy / dist * force
                disp[b][0] -= dx / dist * force
                disp[b][1] -= dy / dist * force
        for a, b, sign in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = max(math.hypot(dx, dy), 1e-4)
            force = dist * dist / k * (1.0 if sign >= 0 else 0.4)
            disp[a][0] -= dx / dist * force
            disp[a][1] -= dy / dist * force
            disp[b][0] += dx / dist * force
            disp[b][1] += dy / dist * force
        for n in nodes:
            # a little gravity keeps loosely tied actors from drifting to the border
            dx, dy = disp[n][0] + (0.5 - pos[n][0]) * 4.0 * k, disp[n][1] + (0.5 - pos[n][1]) * 4.0 * k
            length = max(math.hypot(dx, dy), 1e-9)
            step = min(length, temperature)
            pos[n] = (pos[n][0] + dx / length * step, pos[n][1] + dy / length * step)
        temperature *= 0.97
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    width, height = max(max(xs) - min(xs), 1e-9), max(max(ys) - min(ys), 1e-9)
    return {n: ((x - min(xs)) / width, (y - min(ys)) / height) for n, (x, y) in pos.items()}


def _xy(point: tuple[float, float]) -> tuple[float, float]:
    return MARGIN + point[0] * (WIDTH - 2 * MARGIN - 220), MARGIN + point[1] * (HEIGHT - 2 * MARGIN)


def _edge(tie: Tie, pos: dict[str, tuple[float, float]]) -> str:
    width = 1.0 + min(abs(tie.weight), 6.0) * 0.7
    names = f"{local(tie.a)} – {local(tie.b)}"
    statements = "; ".join(f"{local(e.subject)} {local(e.relation)} {local(e.object)}" for e in tie.evidence)
    title = f"<title>{escape(names)}: weight {tie.weight:+.2f} ({escape(statements)})</title>"
    sponsorships = [e for e in tie.evidence if local(e.relation) in ("sponsors", "funds", "arms", "directs")]
    if sponsorships and tie.sign > 0:
        first = sponsorships[0]
        (x1, y1), (x2, y2) = _xy(pos[first.subject]), _xy(pos[first.object])
        return (
            f'<line class="sponsorship" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{SPONSOR}" stroke-width="{width:.1f}" marker-end="url(#arrow)">{title}</line>'
        )
    (x1, y1), (x2, y2) = _xy(pos[tie.a]), _xy(pos[tie.b])
    if tie.sign > 0:
        style, kind = f'stroke="{POSITIVE}"', "ally"
    elif tie.sign < 0:
        style, kind = f'stroke="{NEGATIVE}" stroke-dasharray="7 4"', "enemy"
    else:
        style, kind = 'stroke="#999999" stroke-dasharray="2 3"', "ambivalent"
    return (
        f'<line class="{kind}" x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" {style} '
        f'stroke-width="{width:.1f}">{title}</line>'
    )


def _legend() -> str:
    x, y = WIDTH - 250, MARGIN
    rows = [
        f'<rect x="{x - 10}" y="{y - 25}" width="230" height="250" fill="#ffffff" stroke="#cccccc"/>',
        f'<text x="{x}" y="{y - 5}" font-weight="bold">Legend</text>',
        f'<line x1="{x}" y1="{y + 15}" x2="{x + 40}" y2="{y + 15}" stroke="{POSITIVE}" stroke-width="3"/>'
        f'<text x="{x + 50}" y="{y + 19}">allies (positive tie)</text>',
        f'<line x1="{x}" y1="{y + 40}" x2="{x + 40}" y2="{y + 40}" stroke="{NEGATIVE}" stroke-width="3" '
        f'stroke-dasharray="7 4"/><text x="{x + 50}" y="{y + 44}">enemies (negative tie)</text>',
        f'<line x1="{x}" y1="{y + 65}" x2="{x + 40}" y2="{y + 65}" stroke="{SPONSOR}" stroke-width="3" '
        f'marker-end="url(#arrow)"/><text x="{x + 50}" y="{y + 69}">sponsorship (funds, arms, directs)</text>',
        f'<text x="{x}" y="{y + 92}" font-size="11">line width: weight of the statements</text>',
    ]
    for i, (kind, colour) in enumerate(KIND_COLOURS.items()):
        cy = y + 115 + i * 20
        rows.append(
            f'<circle cx="{x + 10}" cy="{cy}" r="7" fill="{colour}"/><text x="{x + 25}" y="{cy + 4}">{kind}</text>'
        )
    return "\n".join(rows)


def network_svg(network: SignedNetwork, title: str | None = None) -> str:
    """The signed network as a standalone SVG document, with a legend."""
    pos = layout(network)
    period = str(network.start) if network.start == network.end else f"{network.start}–{network.end}"
    heading = title or f"Signed network of actors, {period}"
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(heading)}</title>",
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="18" refY="5" markerWidth="6" markerHeight="6" '
        f'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="{SPONSOR}"/></marker></defs>',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#fafafa"/>',
        f'<text x="{MARGIN}" y="35" font-size="18" font-weight="bold">{escape(heading)}</text>',
    ]
    if not network.ties:
        parts.append(f'<text x="{MARGIN}" y="{HEIGHT / 2}">No signed ties hold in {period}.</text>')
    for tie in sorted(network.ties.values(), key=lambda t: (t.a, t.b)):
        parts.append(_edge(tie, pos))
    for node in network.nodes:
        x, y = _xy(pos[node])
        colour = KIND_COLOURS.get(network.kinds.get(node, ""), "#808080")
        label = escape(network.label(node))
        parts.append(
            f'<g class="node" id="{escape(local(node))}"><circle cx="{x:.1f}" cy="{y:.1f}" r="8" fill="{colour}">'
            f"<title>{label} ({escape(network.kinds.get(node, ''))})</title></circle>"
            f'<text x="{x + 11:.1f}" y="{y + 4:.1f}">{label}</text></g>'
        )
    parts.append(_legend())
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def network_graphml(network: SignedNetwork) -> bytes:
    """The signed network as GraphML (networkx), with sign, weight and statements on each edge."""
    import networkx as nx  # ~120 ms to import, only for this export

    graph = nx.Graph(start=network.start, end=network.end)
    for node in network.nodes:
        graph.add_node(node, label=network.label(node), kind=network.kinds.get(node, ""))
    for tie in network.ties.values():
        graph.add_edge(
            tie.a,
            tie.b,
            sign=tie.sign,
            weight=float(tie.weight),
            positive=float(tie.positive),
            negative=float(tie.negative),
            sponsorship=tie.sponsorship,
            relations=" ".join(sorted({local(e.relation) for e in tie.evidence})),
            statements=" ".join(e.statement for e in tie.evidence),
        )
    out = io.BytesIO()
    nx.write_graphml(graph, out)
    return out.getvalue()
