/** On-call: schedules, escalation policies, who is on call, iCalendar feeds. */
export const OnCallRoutes = {} as const;
