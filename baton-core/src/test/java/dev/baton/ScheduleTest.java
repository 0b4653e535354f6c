package dev.baton;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** When schedules are due: cron, intervals and recurrence rules, across daylight saving time changes. */
class ScheduleTest {
    private static final Instant FAR = Instant.parse("2100-01-01T00:00:00Z");

    private static Instant at(String iso) {
        return Instant.parse(iso);
    }

    private static List<Instant> upcoming(Schedule s, String after, int n) {
        return s.upcoming(at(after), FAR, n);
    }

    private static List<Instant> instants(String... iso) {
        return java.util.Arrays.stream(iso).map(Instant::parse).toList();
    }

    @Nested
    class Cron {
        @Test
        void dailyAtTwoInUtc() {
            assertThat(upcoming(Schedule.cron("0 2 * * *"), "2026-01-01T00:00:00Z", 2))
                    .isEqualTo(instants("2026-01-01T02:00:00Z", "2026-01-02T02:00:00Z"));
        }

        @Test
        void aTimeTheClockSkipsIsNotRunThatDay() {
            // Paris, 2026-03-29: 02:00 CET becomes 03:00 CEST, so there is no 02:30
            assertThat(upcoming(Schedule.cron("30 2 * * *", "Europe/Paris"), "2026-03-27T12:00:00Z", 2))
                    .isEqualTo(instants("2026-03-28T01:30:00Z", "2026-03-30T00:30:00Z"));
        }

        @Test
        void aTimeTheClockRepeatsRunsOnceAtItsFirstOccurrence() {
            // Paris, 2026-10-25: 03:00 CEST becomes 02:00 CET, so 02:30 happens at 00:30Z and at 01:30Z
            assertThat(upcoming(Schedule.cron("30 2 * * *", "Europe/Paris"), "2026-10-24T12:00:00Z", 2))
                    .isEqualTo(instants("2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z"));
            // asked from between the two occurrences: the day's run is behind, the next is tomorrow
            assertThat(Schedule.cron("30 2 * * *", "Europe/Paris").next(at("2026-10-25T01:00:00Z")))
                    .contains(at("2026-10-26T01:30:00Z"));
        }

        @Test
        void anHourlyScheduleRunsTheRepeatedHourOnce() {
            assertThat(upcoming(Schedule.cron("0 * * * *", "Europe/Paris"), "2026-10-24T21:30:00Z", 4))
                    .isEqualTo(instants("2026-10-24T22:00:00Z", "2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z",
                            "2026-10-25T02:00:00Z"));
        }

        @Test
        void aYearInNewYorkHasOneRunADayAtTheSameWallTime() {
            Schedule s = Schedule.cron("30 1 * * *", "America/New_York");
            List<Instant> year = s.upcoming(at("2026-01-01T05:00:00Z"), at("2027-01-01T05:00:00Z"), 1000);
            assertThat(year).hasSize(365);
            Set<LocalDate> days = new HashSet<>();
            for (Instant t : year) {
                ZonedDateTime local = t.atZone(ZoneId.of("America/New_York"));
                assertThat(local.getHour()).isEqualTo(1);
                assertThat(local.getMinute()).isEqualTo(30);
                days.add(local.toLocalDate());
            }
            assertThat(days).hasSize(365);
            assertThat(year).contains(at("2026-11-01T05:30:00Z")).doesNotContain(at("2026-11-01T06:30:00Z"));
            // 02:30 does not exist on 2026-03-08 there: 364 runs
            assertThat(Schedule.cron("30 2 * * *", "America/New_York")
                    .upcoming(at("2026-01-01T05:00:00Z"), at("2027-01-01T05:00:00Z"), 1000)).hasSize(364);
        }

        @Test
        void listsRangesStepsAndNames() {
            // Friday 2026-01-02 17:50: the next quarter hour of a working day is Monday 09:00
            assertThat(Schedule.cron("*/15 9-17 * * MON-FRI").next(at("2026-01-02T17:50:00Z")))
                    .contains(at("2026-01-05T09:00:00Z"));
            assertThat(upcoming(Schedule.cron("0,30 8 1 jan,jul *"), "2026-01-01T00:00:00Z", 3))
                    .isEqualTo(instants("2026-01-01T08:00:00Z", "2026-01-01T08:30:00Z", "2026-07-01T08:00:00Z"));
            assertThat(Schedule.cron("0 0 * * 7").next(at("2026-01-01T00:00:00Z"))).contains(at("2026-01-04T00:00:00Z"));
            // 2026-01-01 is a Thursday: 7 and 0 are Sunday, and a step stops where it stops
            assertThat(upcoming(Schedule.cron("0 0 * * 5-7"), "2026-01-01T00:00:00Z", 3)).isEqualTo(instants(
                    "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z", "2026-01-04T00:00:00Z"));
            assertThat(upcoming(Schedule.cron("0 0 * * 2-7/2"), "2026-01-01T00:00:00Z", 3)).isEqualTo(instants(
                    "2026-01-03T00:00:00Z", "2026-01-06T00:00:00Z", "2026-01-08T00:00:00Z"));
            assertThat(Schedule.cron("@hourly").next(at("2026-01-01T00:10:00Z"))).contains(at("2026-01-01T01:00:00Z"));
            assertThat(Schedule.cron("@daily").next(at("2026-01-01T00:10:00Z"))).contains(at("2026-01-02T00:00:00Z"));
        }

        @Test
        void lastDayAndNthWeekday() {
            assertThat(Schedule.cron("0 12 L * *").next(at("2026-02-01T00:00:00Z"))).contains(at("2026-02-28T12:00:00Z"));
            assertThat(Schedule.cron("0 9 * * FRI#2").next(at("2026-01-01T00:00:00Z"))).contains(at("2026-01-09T09:00:00Z"));
            assertThat(Schedule.cron("0 9 * * 5L").next(at("2026-01-01T00:00:00Z"))).contains(at("2026-01-30T09:00:00Z"));
        }

        @Test
        void bothDayFieldsRestrictedMeansEither() {
            assertThat(upcoming(Schedule.cron("0 0 13 * FRI"), "2026-01-01T00:00:00Z", 4)).isEqualTo(instants(
                    "2026-01-02T00:00:00Z", "2026-01-09T00:00:00Z", "2026-01-13T00:00:00Z", "2026-01-16T00:00:00Z"));
        }

        @Test
        void anExpressionMatchingNoDayHasNoNextTime() {
            assertThat(Schedule.cron("0 0 30 2 *").next(at("2026-01-01T00:00:00Z"))).isEmpty();
        }

        @Test
        void badExpressionsSayWhatIsWrong() {
            assertThatThrownBy(() -> Schedule.cron("0 25 * * *"))
                    .hasMessageContaining("hour field '25'").hasMessageContaining("0-23");
            assertThatThrownBy(() -> Schedule.cron("0 2 * *"))
                    .hasMessageContaining("has 4 fields; it needs 5: minute hour day-of-month month day-of-week");
            assertThatThrownBy(() -> Schedule.cron("0 2 * * FUN")).hasMessageContaining("'FUN', which is not a number");
            assertThatThrownBy(() -> Schedule.cron("*/0 * * * *")).hasMessageContaining("a step of 0");
            assertThatThrownBy(() -> Schedule.cron("@often")).hasMessageContaining("unknown nickname");
            assertThatThrownBy(() -> Schedule.cron("0 2 * * *", "Mars/Olympus"))
                    .hasMessageContaining("Unknown time zone 'Mars/Olympus'");
        }
    }

    @Nested
    class Interval {
        @Test
        void minutesCountFromTheDefaultAnchor() {
            assertThat(upcoming(Schedule.interval(Duration.ofMinutes(15)), "2026-01-01T00:07:00Z", 2))
                    .isEqualTo(instants("2026-01-01T00:15:00Z", "2026-01-01T00:30:00Z"));
        }

        @Test
        void timesBeforeTheAnchorFollowItsAlignment() {
            Schedule s = Schedule.interval(Duration.ofMinutes(90), ZonedDateTime.parse("2026-01-01T00:00:00Z"));
            assertThat(s.next(at("2025-12-31T22:00:00Z"))).contains(at("2025-12-31T22:30:00Z"));
        }

        @Test
        void wholeDaysKeepTheirWallTimeAcrossDaylightSavingTime() {
            Schedule s = Schedule.interval(Duration.ofDays(1), ZonedDateTime.parse("2026-03-27T09:00:00+01:00[Europe/Paris]"));
            assertThat(upcoming(s, "2026-03-27T00:00:00Z", 4)).isEqualTo(instants("2026-03-27T08:00:00Z",
                    "2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z", "2026-03-30T07:00:00Z"));
        }

        @Test
        void hoursAreAFixedLengthAcrossDaylightSavingTime() {
            Schedule s = Schedule.interval(Duration.ofHours(12), ZonedDateTime.parse("2026-03-28T09:00:00+01:00[Europe/Paris]"));
            assertThat(upcoming(s, "2026-03-28T00:00:00Z", 3)).isEqualTo(instants("2026-03-28T08:00:00Z",
                    "2026-03-28T20:00:00Z", "2026-03-29T08:00:00Z"));
        }

        @Test
        void lessThanASecondIsRefused() {
            assertThatThrownBy(() -> Schedule.interval(Duration.ofMillis(10)))
                    .hasMessageContaining("at least 1 second");
        }
    }

    @Nested
    class RecurrenceRule {
        @Test
        void weeklyOnTwoDays() {
            Schedule s = Schedule.rrule("FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=9;BYMINUTE=0", "America/New_York");
            assertThat(upcoming(s, "2026-01-01T00:00:00Z", 3)).isEqualTo(instants("2026-01-02T14:00:00Z",
                    "2026-01-05T14:00:00Z", "2026-01-09T14:00:00Z"));
        }

        @Test
        void lastFridayOfTheMonth() {
            assertThat(upcoming(Schedule.rrule("RRULE:FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=17"), "2026-01-01T00:00:00Z", 2))
                    .isEqualTo(instants("2026-01-30T17:00:00Z", "2026-02-27T17:00:00Z"));
        }

        @Test
        void theLastWorkingDayOfTheMonth() {
            Schedule s = Schedule.rrule("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;BYHOUR=18");
            assertThat(s.upcoming(at("2026-01-01T00:00:00Z"), at("2026-06-01T00:00:00Z"), 10)).isEqualTo(instants(
                    "2026-01-30T18:00:00Z", "2026-02-27T18:00:00Z", "2026-03-31T18:00:00Z", "2026-04-30T18:00:00Z",
                    "2026-05-29T18:00:00Z"));
        }

        @Test
        void aMonthWithoutTheDayIsSkipped() {
            assertThat(Schedule.rrule("FREQ=MONTHLY;BYMONTHDAY=31;BYHOUR=0").next(at("2026-01-31T12:00:00Z")))
                    .contains(at("2026-03-31T00:00:00Z"));
        }

        @Test
        void countAndUntilEndTheRule() {
            Schedule counted = Schedule.rrule("DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY;COUNT=3");
            assertThat(upcoming(counted, "2026-01-01T00:00:00Z", 10)).isEqualTo(instants("2026-01-05T09:00:00Z",
                    "2026-01-06T09:00:00Z", "2026-01-07T09:00:00Z"));
            assertThat(counted.next(at("2026-01-07T09:00:00Z"))).isEmpty();
            Schedule until = Schedule.rrule("DTSTART:20260105T090000Z\nRRULE:FREQ=DAILY;UNTIL=20260107T090000Z");
            assertThat(upcoming(until, "2026-01-01T00:00:00Z", 10)).hasSize(3);
        }

        @Test
        void exceptionsAreLeftOutAndExtraDatesAdded() {
            Schedule s = Schedule.rrule("""
                    DTSTART;TZID=Europe/Paris:20260105T090000
                    RRULE:FREQ=DAILY;COUNT=5
                    EXDATE;TZID=Europe/Paris:20260106T090000,20260108T090000
                    RDATE;TZID=Europe/Paris:20260110T120000""");
            assertThat(upcoming(s, "2026-01-01T00:00:00Z", 10)).isEqualTo(instants("2026-01-05T08:00:00Z",
                    "2026-01-07T08:00:00Z", "2026-01-09T08:00:00Z", "2026-01-10T11:00:00Z"));
        }

        @Test
        void wallTimeIsKeptAcrossDaylightSavingTime() {
            Schedule s = Schedule.rrule("DTSTART;TZID=Europe/Paris:20260327T090000\nRRULE:FREQ=DAILY");
            assertThat(s.zone()).isEqualTo(ZoneId.of("Europe/Paris"));
            assertThat(upcoming(s, "2026-03-27T00:00:00Z", 3)).isEqualTo(instants("2026-03-27T08:00:00Z",
                    "2026-03-28T08:00:00Z", "2026-03-29T07:00:00Z"));
        }

        @Test
        void badRulesSayWhatIsWrong() {
            assertThatThrownBy(() -> Schedule.rrule("FREQ=SECONDLY")).hasMessageContaining("FREQ=SECONDLY is not supported");
            assertThatThrownBy(() -> Schedule.rrule("FREQ=DAILY;BYDAY=1MO"))
                    .hasMessageContaining("needs FREQ=MONTHLY or FREQ=YEARLY");
            assertThatThrownBy(() -> Schedule.rrule("FREQ=YEARLY;BYMONTH=13")).hasMessageContaining("out of range 1-12");
            assertThatThrownBy(() -> Schedule.rrule("BYHOUR=9")).hasMessageContaining("FREQ is missing");
            assertThatThrownBy(() -> Schedule.rrule("DTSTART:20260105T090000Z")).hasMessageContaining("no RRULE");
            assertThatThrownBy(() -> Schedule.rrule("FREQ=DAILY;COUNT=2;UNTIL=20260101T000000Z"))
                    .hasMessageContaining("COUNT and UNTIL cannot both be given");
            assertThatThrownBy(() -> Schedule.rrule("DTSTART:2026-01-05\nRRULE:FREQ=DAILY"))
                    .hasMessageContaining("is not a date-time like 20260101T090000");
        }
    }

    @Test
    void aScheduleCarriesParametersOfItsOwn() {
        Schedule plain = Schedule.cron("0 * * * *");
        Schedule incremental = plain.withParameters(Map.of("mode", "incremental"));
        assertThat(incremental.parameters()).containsEntry("mode", "incremental");
        assertThat(plain.parameters()).isEmpty();
        assertThat(incremental).isNotEqualTo(plain).isEqualTo(Schedule.cron("0 * * * *")
                .withParameters(Map.of("mode", "incremental")));
        assertThat(incremental.toString()).isEqualTo("cron '0 * * * *' (UTC) with {mode=incremental}");
    }
}
