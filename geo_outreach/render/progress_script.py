"""
The month slider's and the trend layer's JavaScript, written into the page as it is.

Both need only Leaflet. Every text they put into the page comes escaped from
:mod:`geo_outreach.render.progress_map` (village names, labels); numbers are formatted here
with the language's separators, as :func:`geo_outreach.i18n.format_number` writes them.
"""

from __future__ import annotations

from typing import Final

MONTH_SCRIPT: Final = r"""function (map, villages, data) {
    var current = data.i, rows = data.v, text = data.x, input = null, label = null;
    var has = Object.prototype.hasOwnProperty;
    function mark(id) {
        var sign = has.call(rows, id) ? rows[id][0].charAt(current) : ".";
        return sign === "." || sign === "" ? -1 : Number(sign);
    }
    function number(value, decimals) {
        var parts = value.toFixed(decimals).split(".");
        var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, text.th);
        return parts.length > 1 ? whole + text.dec + parts[1] : whole;
    }
    function signed(value) {
        if (value > 0) { return "+" + number(value, 0); }
        return value < 0 ? "\u2212" + number(-value, 0) : "0";
    }
    function describe(layer) {
        var id = layer.feature.id, p = layer.feature.properties, k = mark(id);
        p.month = data.m[current];
        if (k < 0) {
            p.coverage = text.no; p.participants = text.na; p.change = text.na;
            return k;
        }
        var row = rows[id], share = row.length > 1 ? row[1][current] : null;
        if (share === null) {
            p.coverage = text.cl[k]; p.participants = text.hid; p.change = text.hid;
            return k;
        }
        var people = row[2][current], change = row[3][current];
        p.coverage = number(share * 100, 1) + "%";
        p.participants = people === null ? text.na : number(people, 0);
        p.change = change === false ? text.hid : (change === null ? text.na : signed(change));
        return k;
    }
    villages.options.style = function (feature) {
        var k = mark(feature.id), look = Object.assign({}, data.s);
        look.fillColor = k < 0 ? data.n : data.c[k];
        return look;
    };
    var probe = document.createElement("span");
    function colour(value) {
        probe.style.backgroundColor = "";
        probe.style.backgroundColor = value;
        return probe.style.backgroundColor;
    }
    function recount(counts, none) {
        var legend = map.getContainer().querySelector(".geo-outreach-legend");
        if (!legend) { return; }
        var wanted = {};
        data.c.forEach(function (value, k) { wanted[colour(value)] = counts[k]; });
        wanted[colour(data.n)] = none;
        legend.querySelectorAll("div").forEach(function (row) {
            var swatch = row.firstElementChild, count = row.lastElementChild;
            if (!swatch || swatch === count || !/^\(\d+\)$/.test(count.textContent)) { return; }
            var key = swatch.style.backgroundColor;
            if (key && has.call(wanted, key)) { count.textContent = "(" + wanted[key] + ")"; }
        });
    }
    function show(index) {
        current = index;
        var counts = data.c.map(function () { return 0; }), none = 0;
        villages.eachLayer(function (layer) {
            var k = describe(layer);
            if (k < 0) { none += 1; } else { counts[k] += 1; }
            villages.resetStyle(layer);
        });
        recount(counts, none);
        if (label) { label.innerHTML = data.m[index]; }
        if (input) {
            input.value = String(index);
            input.setAttribute("aria-valuetext", label ? label.textContent : "");
        }
    }
    var control = L.control({position: "topright"});
    control.onAdd = function () {
        var box = L.DomUtil.create("div", "go-month-slider");
        box.innerHTML = data.h;
        input = box.querySelector("input");
        label = box.querySelector("[data-go-month]");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        L.DomEvent.on(input, "input change", function () { show(Number(input.value)); });
        return box;
    };
    control.addTo(map);
    show(current);
}"""
"""Called as ``(map, village layer, data)`` with the data of
:func:`geo_outreach.render.progress_map.month_data`: adds the slider control, makes the
village layer's style follow the month (also after a search or a hover resets it), and
shows the month given first."""

TREND_SCRIPT: Final = r"""function (group, villages, map, data) {
    var has = Object.prototype.hasOwnProperty;
    villages.eachLayer(function (layer) {
        if (typeof layer.getLatLngs !== "function") { return; }
        var id = layer.feature.id, k = has.call(data.t, id) ? data.t[id] : -1;
        var look = Object.assign({}, data.s);
        look.fillColor = k < 0 ? data.n : data.c[k];
        look.smoothFactor = villages.options.smoothFactor;
        var shape = L.polygon(layer.getLatLngs(), look), p = layer.feature.properties;
        shape.bindTooltip("<b>" + p.name + "</b><br>" + data.label + ": " + p.trend,
                          {sticky: true});
        group.addLayer(shape);
    });
    function legend(shown) {
        var box = map.getContainer().querySelector(".go-trend-legend");
        if (box) { box.style.display = shown ? "" : "none"; }
    }
    map.on("overlayadd", function (e) {
        if (e.layer !== group) { return; }
        group.bringToBack();
        villages.bringToBack();
        legend(true);
    });
    map.on("overlayremove", function (e) { if (e.layer === group) { legend(false); } });
    legend(map.hasLayer(group));
}"""
"""Called as ``(trend group, village layer, map, data)``: draws each village's shape again
in its trend's colour, just above the villages, and shows the trend legend only while the
layer is on."""
