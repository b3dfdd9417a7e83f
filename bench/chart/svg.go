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

func maxOf(cs []benchCase, f func(benchCase) *float64) float64 {
	m := 0.0
	for _, c := range cs {
		if v := f(c); v != nil && *v > m {
			m = *v
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
	s.text(width/2, 52, "middle", `font-size="13" fill="#555"`, fmt.Sprintf("%d CPU, %s, kernel %s, %s, %d s per run",
		m.Nproc, m.CPUModel, m.Kernel, m.Date, r.Settings.DurationS))
	legend(&s)
	tMax, tStep := niceScale(maxOf(r.Cases, func(c benchCase) *float64 { return c.Gbps1 }))
	eMax, eStep := niceScale(maxOf(r.Cases, func(c benchCase) *float64 { return c.GbitPerCPU }))
	axes(&s, tMax, tStep, eMax, eStep)
	plotW := float64(width - left - right)
	groupW := plotW / float64(len(r.Cases))
	barW := math.Min(groupW*0.34, 70)
	for i, c := range r.Cases {
		cx := float64(left) + groupW*(float64(i)+0.5)
		s.text(cx, float64(height-bottom)+22, "middle", `font-size="14"`, c.Name)
		if c.Status != "ok" {
			color := "#b00"
			if c.Status == "SKIP" {
				color = "#777"
			}
			s.text(cx, float64(height-bottom)-12, "middle", `font-size="14" font-weight="bold" fill="`+color+`"`, c.Status)
			continue
		}
		bar(&s, cx-barW-2, barW, c.Gbps1, tMax, colorTput, "")
		bar(&s, cx+2, barW, c.GbitPerCPU, eMax, colorEff, "n/a")
	}
	s.text(width/2, height-24, "middle", `font-size="12" fill="#555"`,
		"CPU-seconds: utime+stime of the tunnel processes at both ends during the 1-stream run (veth has none).")
	s.add(`</svg>`)
	return s.b.String()
}

// bar draws one labelled bar; a nil value gets the text missing instead.
func bar(s *svg, x, w float64, v *float64, max float64, color, missing string) {
	base := float64(height - bottom)
	if v == nil {
		s.text(x+w/2, base-8, "middle", `font-size="12" fill="#777"`, missing)
		return
	}
	h := *v / max * float64(height-top-bottom)
	s.add(`<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, base-h, w, h, color)
	s.text(x+w/2, base-h-6, "middle", `font-size="13"`, label(*v))
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
