package dev.baton.internal.engine;

import java.util.concurrent.ThreadLocalRandom;

/** Human-friendly flow run names, adjective-animal, like {@code crimson-pelican}. */
public final class RunNames {
    private RunNames() {}

    private static final String[] ADJECTIVES = {
        "amber", "ancient", "arctic", "azure", "bold", "brave", "bright", "brisk", "calm", "candid",
        "cheerful", "clever", "cobalt", "cosmic", "crimson", "curious", "daring", "dapper", "eager", "electric",
        "emerald", "fearless", "festive", "fierce", "gentle", "gilded", "glowing", "golden", "graceful", "grand",
        "hardy", "hidden", "honest", "humble", "icy", "indigo", "jolly", "keen", "kind", "lively",
        "lucky", "lunar", "magnetic", "mellow", "merry", "mighty", "misty", "modest", "nimble", "noble",
        "olive", "opal", "patient", "polar", "proud", "quick", "quiet", "radiant", "rapid", "rustic",
        "sage", "scarlet", "serene", "sharp", "shiny", "silent", "silver", "sleek", "smart", "snowy",
        "solar", "sparkling", "spirited", "steady", "stellar", "sturdy", "sunny", "swift", "tan", "teal",
        "tidy", "tireless", "tranquil", "true", "upbeat", "valiant", "velvet", "vivid", "warm", "wise",
        "witty", "young", "zealous", "zesty", "violet", "ruby", "sapphire", "copper", "jade", "ivory",
    };

    private static final String[] ANIMALS = {
        "albatross", "alligator", "alpaca", "antelope", "armadillo", "badger", "beaver", "bison", "bobcat", "buffalo",
        "camel", "caribou", "cheetah", "chipmunk", "cobra", "condor", "cougar", "coyote", "crane", "crow",
        "deer", "dingo", "dolphin", "dove", "eagle", "eel", "elk", "falcon", "ferret", "finch",
        "flamingo", "fox", "gazelle", "gecko", "gibbon", "giraffe", "goose", "gorilla", "grouse", "hare",
        "hawk", "hedgehog", "heron", "hippo", "hornet", "husky", "ibex", "iguana", "impala", "jackal",
        "jaguar", "kestrel", "kingfisher", "koala", "lemur", "leopard", "lion", "llama", "lobster", "lynx",
        "macaw", "magpie", "manatee", "marmot", "meerkat", "mink", "moose", "narwhal", "newt", "ocelot",
        "octopus", "okapi", "orca", "osprey", "otter", "owl", "panda", "panther", "parrot", "pelican",
        "penguin", "puffin", "quail", "rabbit", "raccoon", "raven", "reindeer", "salmon", "seal", "sparrow",
        "stork", "swan", "tapir", "tiger", "toucan", "turtle", "walrus", "weasel", "wolf", "zebra",
    };

    /** A random adjective-animal name. */
    public static String next() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return ADJECTIVES[r.nextInt(ADJECTIVES.length)] + "-" + ANIMALS[r.nextInt(ANIMALS.length)];
    }
}
