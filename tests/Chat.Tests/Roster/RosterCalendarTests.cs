using Chat.Server.Roster;

namespace Chat.Tests.Roster;

/// <summary>The pure parts of the roster: the next opening, the merged opening hours, the weekly copies.</summary>
public sealed class RosterCalendarTests
{
    private static readonly DateTimeOffset Now = new(2027, 3, 10, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeZoneInfo Amsterdam = TimeZoneInfo.FindSystemTimeZoneById("Europe/Amsterdam");

    private static PlannedShift At(double fromHours, double toHours, string expert = "a") =>
        new() { ExpertId = expert, Start = Now.AddHours(fromHours), End = Now.AddHours(toHours) };

    [Fact]
    public void TheNextOpeningIsTheEarliestShiftThatStartsAfterNow()
    {
        Assert.Equal(Now.AddHours(5), RosterCalendar.NextOpening([At(30, 32), At(5, 8, "b"), At(-1, 2)], Now));
        // A shift starting exactly now has started: the chat is open or not by who is really there.
        Assert.Equal(Now.AddHours(1), RosterCalendar.NextOpening([At(0, 2), At(1, 3, "b")], Now));
    }

    [Fact]
    public void ThereIsNoNextOpeningBeyondFourteenDays()
    {
        Assert.Null(RosterCalendar.NextOpening([], Now));
        Assert.Null(RosterCalendar.NextOpening([At(14 * 24 + 1, 14 * 24 + 3)], Now));
        Assert.Equal(Now.AddDays(14), RosterCalendar.NextOpening([At(14 * 24, 14 * 24 + 3)], Now));
    }

    [Fact]
    public void UpcomingHoursMergeOverlappingAndAdjacentShiftsOfAllExperts()
    {
        var blocks = RosterCalendar.Upcoming([At(8, 10, "b"), At(7, 9), At(10, 11, "c"), At(20, 22), At(-5, -1), At(-1, 1)], Now);
        Assert.Equal([
            new OpeningHours(Now.AddHours(-1), Now.AddHours(1)), // running now: keeps its planned start
            new OpeningHours(Now.AddHours(7), Now.AddHours(11)),
            new OpeningHours(Now.AddHours(20), Now.AddHours(22)),
        ], blocks);
    }

    [Fact]
    public void UpcomingHoursReachSevenDaysAhead()
    {
        var blocks = RosterCalendar.Upcoming([At(6 * 24, 6 * 24 + 2), At(7 * 24, 7 * 24 + 2), At(8 * 24, 8 * 24 + 2)], Now);
        Assert.Equal([new OpeningHours(Now.AddDays(6), Now.AddDays(6).AddHours(2))], blocks);
    }

    [Fact]
    public void WeeklyCopiesKeepTheLocalWallClockAcrossBothDstChanges()
    {
        // Thursday 18 March 2027 19:00-22:00 CET; summer time from 28 March, winter time again from 31 October.
        var copies = RosterApi.WeeklyCopies(DateTimeOffset.Parse("2027-03-18T19:00:00+01:00"), DateTimeOffset.Parse("2027-03-18T22:00:00+01:00"), 2, Amsterdam);
        Assert.Equal([
            (DateTimeOffset.Parse("2027-03-18T18:00:00Z"), DateTimeOffset.Parse("2027-03-18T21:00:00Z")),
            (DateTimeOffset.Parse("2027-03-25T18:00:00Z"), DateTimeOffset.Parse("2027-03-25T21:00:00Z")),
            (DateTimeOffset.Parse("2027-04-01T17:00:00Z"), DateTimeOffset.Parse("2027-04-01T20:00:00Z")),
        ], copies);
        var autumn = RosterApi.WeeklyCopies(DateTimeOffset.Parse("2027-10-28T10:00:00+02:00"), DateTimeOffset.Parse("2027-10-28T12:00:00+02:00"), 1, Amsterdam);
        Assert.Equal(DateTimeOffset.Parse("2027-11-04T09:00:00Z"), autumn[1].Start);
    }

    [Fact]
    public void ACopyOnTheSpringForwardNightMovesToTheFirstValidTime()
    {
        // Sunday 21 March 02:30-04:00; a week later the hour from 02:00 to 03:00 does not exist in Amsterdam.
        var copies = RosterApi.WeeklyCopies(DateTimeOffset.Parse("2027-03-21T02:30:00+01:00"), DateTimeOffset.Parse("2027-03-21T04:00:00+01:00"), 1, Amsterdam);
        Assert.Equal(DateTimeOffset.Parse("2027-03-28T03:00:00+02:00"), copies[1].Start);
        Assert.Equal(DateTimeOffset.Parse("2027-03-28T04:00:00+02:00"), copies[1].End);
    }
}
