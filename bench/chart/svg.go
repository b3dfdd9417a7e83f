package main

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"math"
	"strings"
)

const (
	width, height = 960, 520
	left, right   = 80, 80
	top, bottom   = 96, 84
	colorTput     = "#2f6db5"
	colorEff      = "#e08a1e"
)

// svg accumulates elements; coordinates are in pixels from the top left.
type svg struct{ b strings.Builder }

func (s *svg) add(format string, a ...any) { fmt.Fprintf(&s.b, format+"\n", a...) }

func (s *svg) text(x, y float64, anchor, style, txt string) {
	s.add(`<text x="%.1f" y="%.1f" text-anchor="%s" %s>%s</text>`, x, y, anchor, style, esc(txt))
}

func esc(t string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(t)) // writes to a buffer, cannot fail
	return b.String()
}

// niceScale returns an axis maximum and tick step of 1, 2 or 5 times a power
// of ten, so tick labels stay round.
func niceScale(max float64) (float64, float64) {
	if max <= 0 || math.IsNaN(max) {
		return 1, 0.2
	}
	raw := max / 5
	pow := math.Pow(10, math.Floor(math.Log10(raw)))
	step := 10 * pow
	for _, m := range []float64{1, 2, 5} {
		if m*pow >= raw {
			step = m * pow
			break
		}
	}
	return math.Ceil(max/step) * step, step
}

// maxOf returns the highest value or whisker top of one figure, so that
// the axis holds every whisker.
func maxOf(cs []benchCase, key string, f func(benchCase) *float64) float64 {
	m := 0.0
	for _, c := range cs {
		if v := f(c); v != nil && *v > m {
			m = *v
		}
		if _, hi, ok := whisker(c.Range[key]); ok && f(c) != nil && hi > m {
			m = hi
		}
	}
	return m
}

// tick formats an axis label with just enough decimals for the step.
func tick(v, step float64) string {
	d := int(math.Max(0, -math.Floor(math.Log10(step)+1e-9)))
	return fmt.Sprintf("%.*f", d, v)
}

func label(v float64) string {
	switch {
	case v >= 10:
		return fmt.Sprintf("%.1f", v)
	case v >= 1:
		return fmt.Sprintf("%.2f", v)
	}
	return fmt.Sprintf("%.3f", v)
}

func draw(r *results) string {
	var s svg
	s.add(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`,
		width, height, width, height)
	s.add(`<rect width="100%%" height="100%%" fill="white"/>`)
	s.text(width/2, 30, "middle", `font-size="20" font-weight="bold"`,
		"Tunnels between two network namespaces: one iperf3 TCP stream")
	m := r.Machine
	rounds := max(r.Settings.Rounds, 1)
	s.text(width/2, 52, "middle", `font-size="13" fill="#555"`, fmt.Sprintf("%d CPU, %s, kernel %s, %s, %d s per run, %s",
		m.Nproc, m.CPUModel, m.Kernel, m.Date, r.Settings.DurationS, roundsText(rounds)))
	legend(&s)
	tMax, tStep := niceScale(maxOf(r.Cases, "tcp_1stream_gbps", func(c benchCase) *float64 { return c.Gbps1 }))
	eMax, eStep := niceScale(maxOf(r.Cases, "gbit_per_cpu_second", func(c benchCase) *float64 { return c.GbitPerCPU }))
	axes(&s, tMax, tStep, eMax, eStep)
	plotW := float64(width - left - right)
	groupW := plotW / float64(len(r.Cases))
	barW := math.Min(groupW*0.34, 70)
	for i, c := range r.Cases {
		cx := float64(left) + groupW*(float64(i)+0.5)
		s.text(cx, float64(height-bottom)+22, "middle", `font-size="14"`, c.Name)
		ok, note := measured(c.Status)
		if note != "" {
			s.text(cx, float64(height-bottom)+38, "middle", `font-size="11" fill="#b00"`, note)
		}
		if !ok {
			color := "#b00"
			if c.Status == "SKIP" {
				color = "#777"
			}
			s.text(cx, float64(height-bottom)-12, "middle", `font-size="14" font-weight="bold" fill="`+color+`"`, c.Status)
			continue
		}
		bar(&s, cx-barW-2, barW, c.Gbps1, c.Range["tcp_1stream_gbps"], tMax, colorTput, "")
		bar(&s, cx+2, barW, c.GbitPerCPU, c.Range["gbit_per_cpu_second"], eMax, colorEff, "n/a")
	}
	s.text(width/2, height-24, "middle", `font-size="12" fill="#555"`,
		"CPU-seconds: utime+stime of the tunnel processes at both ends during the 1-stream run (veth has none).")
	if rounds > 1 {
		s.text(width/2, height-8, "middle", `font-size="12" fill="#555"`,
			"Bars: median over the rounds that were ok; whiskers: lowest and highest round.")
	}
	s.add(`</svg>`)
	return s.b.String()
}

func roundsText(n int) string {
	if n == 1 {
		return "1 round"
	}
	return fmt.Sprintf("median of %d rounds", n)
}

// bar draws one labelled bar and, when the rounds differ, a whisker from
// the lowest to the highest round; a nil value gets the text missing instead.
func bar(s *svg, x, w float64, v *float64, sp *span, max float64, color, missing string) {
	base := float64(height - bottom)
	if v == nil {
		s.text(x+w/2, base-8, "middle", `font-size="12" fill="#777"`, missing)
		return
	}
	scale := float64(height-top-bottom) / max
	h := *v * scale
	s.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, base-h, w, h, color)
	top := base - h
	if lo, hi, ok := whisker(sp); ok {
		cx, yLo, yHi := x+w/2, base-lo*scale, base-hi*scale
		s.add(`<path d="M%.1f %.1fV%.1fM%.1f %.1fh8M%.1f %.1fh8" stroke="#222" stroke-width="1.5" fill="none"/>`,
			cx, yLo, yHi, cx-4, yLo, cx-4, yHi)
		top = math.Min(top, yHi)
	}
	s.text(x+w/2, top-6, "middle", `font-size="13"`, label(*v))
}

// whisker returns the spread to draw: none for a missing span, a single
// round or rounds that all agree.
func whisker(sp *span) (lo, hi float64, ok bool) {
	if sp == nil || sp.N < 2 || !(sp.Max > sp.Min) {
		return 0, 0, false
	}
	return sp.Min, sp.Max, true
}

func axes(s *svg, tMax, tStep, eMax, eStep float64) {
	plotH := float64(height - top - bottom)
	base := float64(height - bottom)
	for i := 0; float64(i)*tStep <= tMax+tStep/1e6; i++ {
		y := base - float64(i)*tStep/tMax*plotH
		s.add(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`, left, y, width-right, y)
		s.text(left-8, y+4, "end", `font-size="12" fill="`+colorTput+`"`, tick(float64(i)*tStep, tStep))
	}
	for i := 0; float64(i)*eStep <= eMax+eStep/1e6; i++ {
		y := base - float64(i)*eStep/eMax*plotH
		s.text(width-right+8, y+4, "start", `font-size="12" fill="`+colorEff+`"`, tick(float64(i)*eStep, eStep))
	}
	s.add(`<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#333"/>`, left, base, width-right, base)
	mid := float64(top) + plotH/2
	s.add(`<text transform="translate(22 %.1f) rotate(-90)" text-anchor="middle" font-size="13" fill="%s">Gbit/s, 1 TCP stream</text>`,
		mid, colorTput)
	s.add(`<text transform="translate(%d %.1f) rotate(90)" text-anchor="middle" font-size="13" fill="%s">Gbit per CPU-second of the tunnel processes</text>`,
		width-22, mid, colorEff)
}

func legend(s *svg) {
	y := 76.0
	x := float64(width)/2 - 250
	s.add(`<rect x="%.1f" y="%.1f" width="14" height="14" fill="%s"/>`, x, y-11, colorTput)
	s.text(x+20, y, "start", `font-size="13"`, "throughput, Gbit/s (left axis)")
	x += 250
	s.add(`<rect x="%.1f" y="%.1f" width="14" height="14" fill="%s"/>`, x, y-11, colorEff)
	s.text(x+20, y, "start", `font-size="13"`, "Gbit per CPU-second (right axis)")
}
