package dev.baton.hazelcast;
public final class Probe { public static String text() { return MemberChannel.PROBE_SENDS + " calls " + MemberChannel.PROBE_CALLS + " polls " + MemberChannel.PROBE_POLLS + " outcomes " + MemberChannel.PROBE_OUTCOMES; } }
