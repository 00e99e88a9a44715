package shell

import (
	"context"
	"sort"
	"strings"

	"golang.org/x/text/width"
)

// isDashes reports whether line is the rule under a table header: dashes
// and blanks only, at least one dash.
func isDashes(line string) bool {
	return strings.Contains(line, "-") && strings.Trim(line, "- ") == ""
}

// column is where a table column's dashes are: under its header, [start,
// end) in console cells. The formatter pads every column to its width and
// puts one blank between columns, but draws the dashes under the header
// only: a left-aligned column's cells start where its dashes start and may
// run on past their end, a right-aligned one's (numbers) end where its
// dashes end and may start before their start.
type column struct {
	name       string
	start, end int
	right      bool
}

// table reads one Format-Table: the header at p.i, its rule, and the rows
// up to the next separator. Each row becomes a Record whose fields are
// named by the header.
//
// A row whose first cell is empty continues the row above it: what
// Format-Table -Wrap prints when a later cell does not fit its column. Its
// cells are appended to the row above's, with nothing between them. (A
// wrapped first cell cannot be told from a new row; collect with
// Format-List to be safe.)
func (p *parser) table(ctx context.Context) error {
	header, rule := cells(p.lines[p.i]), cells(p.lines[p.i+1])
	var cols []column
	for k := 0; k < len(rule.runes); {
		if rule.runes[k] == ' ' {
			k++
			continue
		}
		c := column{start: rule.at[k]}
		for k < len(rule.runes) && rule.runes[k] == '-' {
			k++
		}
		c.end = c.start + k - indexAt(rule, c.start)
		c.name = header.between(c.start, c.end)
		cols = append(cols, c)
	}
	if len(cols) > maxColumns {
		p.unplaceable(p.i, 0)
		return nil
	}
	p.i += 2
	var rows []cellLine
	var lines []int
	for ; p.i < len(p.lines) && !separates(p.lines[p.i]) && !isBanner(p.lines[p.i]); p.i++ {
		if p.i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		rows, lines = append(rows, cells(p.lines[p.i])), append(lines, p.i+1)
	}
	for k := range cols {
		cols[k].right = rightAligned(cols[k], rows)
	}
	var last *Record
	for n, row := range rows {
		values := row.split(cols)
		if last != nil && values[0] == "" {
			for k := range cols {
				last.Fields[k].Value += values[k]
			}
			continue
		}
		rec := &Record{File: p.out.File, Line: lines[n], Table: true, Fields: make([]Field, len(cols))}
		for k, c := range cols {
			rec.Fields[k] = Field{Name: c.name, Value: values[k], Line: lines[n]}
		}
		p.out.Records = append(p.out.Records, rec)
		last = rec
	}
	return nil
}

// maxColumns bounds a table's columns, so that the work per row stays in
// proportion to its length: Format-Table fits its columns in the console's
// width and drops those that do not fit.
const maxColumns = 256

// rightAligned reports whether the cells of column c end where its dashes
// end, in every row that has one, and some start before its dashes do or
// after: numbers, which the formatter right-aligns. A column whose cells
// all fill exactly its dashes reads the same either way.
func rightAligned(c column, rows []cellLine) bool {
	evidence := false
	for _, r := range rows {
		if r.blankBetween(c.start, c.end) {
			continue // an empty cell
		}
		if r.blankAt(c.end-1) || !r.blankAt(c.end) {
			return false
		}
		if r.blankAt(c.start) || !r.blankAt(c.start-1) {
			evidence = true
		}
	}
	return evidence
}

// split cuts a row into the cells of cols.
func (l cellLine) split(cols []column) []string {
	starts := make([]int, len(cols)+1)
	for k, c := range cols {
		switch {
		case k == 0:
			starts[k] = 0
		case c.right:
			// Back from the end of the dashes to the blank before the
			// number, but not into the column before.
			s := c.end
			for s-1 > starts[k-1] && !l.blankAt(s-1) {
				s--
			}
			starts[k] = s
		default:
			starts[k] = c.start
		}
	}
	starts[len(cols)] = -1
	values := make([]string, len(cols))
	for k := range cols {
		values[k] = l.between(starts[k], starts[k+1])
	}
	return values
}

// cellLine is a line as the console laid it out: one entry per character,
// with the cell it starts at. East Asian wide characters take two cells,
// as in the console, so columns line up as the formatter aligned them.
type cellLine struct {
	runes []rune
	at    []int
}

func cells(line string) cellLine {
	var l cellLine
	cell := 0
	for _, r := range line {
		l.runes = append(l.runes, r)
		l.at = append(l.at, cell)
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			cell += 2
		default:
			cell++
		}
	}
	return l
}

// between returns the characters of l that start in cells [from, to),
// trimmed; to < 0 means to the end of the line.
func (l cellLine) between(from, to int) string {
	i := sort.SearchInts(l.at, from)
	j := len(l.at)
	if to >= 0 {
		j = i + sort.SearchInts(l.at[i:], to)
	}
	return strings.TrimSpace(string(l.runes[i:j]))
}

// blankAt reports whether cell c is blank: a blank character, or past
// the end of the line, or before its start.
func (l cellLine) blankAt(c int) bool {
	k := indexAt(l, c)
	return k < 0 || l.runes[k] == ' ' || l.runes[k] == '\t'
}

func (l cellLine) blankBetween(from, to int) bool { return l.between(from, to) == "" }

// indexAt returns the index of the character that starts at cell c, or -1.
func indexAt(l cellLine, c int) int {
	if k := sort.SearchInts(l.at, c); k < len(l.at) && l.at[k] == c {
		return k
	}
	return -1
}
