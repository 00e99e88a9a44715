// Package ctxio reads a whole input the way rppkit's loaders must: in
// chunks, up to a limit, stopping as soon as a context ends — also while a
// read blocks on a pipe or FIFO whose writer is silent.
package ctxio

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

// chunk is how much is read between two looks at the context.
const chunk = 1 << 20

// ErrTooLarge is returned by ReadAll when the input is longer than its
// limit; callers wrap it in their own sentinel.
var ErrTooLarge = errors.New("input longer than the limit")

// deadliner is what can interrupt a read that blocks: os.File for pipes
// and FIFOs, net.Conn.
type deadliner interface {
	SetReadDeadline(time.Time) error
}

// ReadAll reads all of r, up to limit bytes, returning ctx.Err() as soon as
// ctx ends. A read that blocks is interrupted through r's read deadline
// when r has one; otherwise ctx is seen between reads. size is r's size
// when known (else 0), to read into one buffer of the right size.
func ReadAll(ctx context.Context, r io.Reader, size, limit int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if dl, ok := r.(deadliner); ok {
		var fired sync.WaitGroup
		fired.Add(1)
		stop := context.AfterFunc(ctx, func() {
			defer fired.Done()
			_ = dl.SetReadDeadline(time.Unix(1, 0)) // fails harmlessly where reads cannot block
		})
		defer func() {
			if !stop() {
				// The deadline was set: take it off again, so that the
				// caller's file is left as it was.
				fired.Wait()
				_ = dl.SetReadDeadline(time.Time{})
			}
		}()
	}
	capacity := int64(512)
	if size > 0 {
		capacity = min(size, limit) + 1 // +1 to see EOF without growing
	}
	data := make([]byte, 0, capacity)
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		end := min(cap(data), len(data)+chunk)
		n, err := r.Read(data[len(data):end])
		data = data[:len(data)+n]
		if int64(len(data)) > limit {
			return nil, ErrTooLarge
		}
		if errors.Is(err, io.EOF) {
			return data, nil
		}
		if err != nil {
			if ctxErr := ctx.Err(); ctxErr != nil {
				return nil, ctxErr // the deadline that ctx set
			}
			return nil, err
		}
	}
}
