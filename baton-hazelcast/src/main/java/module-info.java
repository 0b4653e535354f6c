/** The distributed executor: task runs on the workers of a Hazelcast cluster. */
module dev.baton.hazelcast {
    requires transitive dev.baton.core;
    requires com.hazelcast.core;

    exports dev.baton.hazelcast;
}
