package orgapi

import (
	"context"
	"strconv"
)

// addAPIUsage adds the org's latest api-usage figures (Sforce-Limit-Info) to a log line's fields.
func addAPIUsage(c *Client, fields map[string]any) {
	if u := c.apiUsage.Load(); u != nil {
		fields["api_usage"] = strconv.Itoa(u.used) + "/" + strconv.Itoa(u.max)
	}
}

// APIRequestsRemaining reads the org's DailyApiRequests limit (GET /limits, one call) and returns
// what is left of the day's allocation and its size.
func (c *Client) APIRequestsRemaining(ctx context.Context) (remaining, limit int, err error) {
	limits, err := c.Limits(ctx)
	if err != nil {
		return 0, 0, err
	}
	l, ok := limits["DailyApiRequests"]
	if !ok {
		return 0, 0, (op{name: "reading limits"}).fail(KindOther, "the org's limits do not include DailyApiRequests")
	}
	return l.Remaining, l.Max, nil
}
