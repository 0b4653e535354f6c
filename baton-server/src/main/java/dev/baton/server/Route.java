package dev.baton.server;

import io.javalin.http.Context;

import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One route of the API: what the server registers and what the OpenAPI document describes, from
 * one definition so the two cannot drift apart.
 *
 * @param method   GET, POST or DELETE
 * @param path     the path under the server root, with {@code {name}} for path parameters
 * @param summary  one line for the OpenAPI document
 * @param request  the type of the JSON body read, or null for none
 * @param response the type of the JSON body answered, or null for none
 * @param status   the status of a successful answer
 * @param maxBody  the largest body accepted, in bytes (larger: 413)
 * @param handler  answers the request: returns the response body (ignored when {@code response} is null)
 * @param headers  the optional request headers the route reads, for the document
 * @param query    the optional query parameters the route reads, for the document
 * @param errors   the error answers the route gives besides those every route of its shape gives
 *                 (400 for bad input, 404 for an unknown path parameter, 413, 401): status to when
 */
record Route(String method, String path, String summary, Type request, Type response, int status, long maxBody,
             Handler handler, List<Header> headers, List<Query> query, Map<Integer, String> errors) {

    Route(String method, String path, String summary, Type request, Type response, int status, long maxBody,
          Handler handler) {
        this(method, path, summary, request, response, status, maxBody, handler, List.of(), List.of(), Map.of());
    }

    Route(String method, String path, String summary, Type request, Type response, int status, long maxBody,
          Handler handler, List<Header> headers) {
        this(method, path, summary, request, response, status, maxBody, handler, headers, List.of(), Map.of());
    }

    Route(String method, String path, String summary, Type request, Type response, int status, long maxBody,
          Handler handler, List<Header> headers, List<Query> query) {
        this(method, path, summary, request, response, status, maxBody, handler, headers, query, Map.of());
    }

    /** This route, also answering {@code status} (an {@code {"error": ...}}) when {@code description} says. */
    Route answers(int status, String description) {
        Map<Integer, String> more = new TreeMap<>(errors);
        more.put(status, description);
        return new Route(method, path, summary, request, response, this.status, maxBody, handler, headers, query,
                java.util.Collections.unmodifiableMap(more));
    }

    /** An optional request header: its name, what it is for and the pattern of its value. */
    record Header(String name, String description, String pattern) {}

    /** An optional whole-number query parameter: its name, what it is for, its range and its default. */
    record Query(String name, String description, int minimum, int maximum, int defaultValue) {}

    /** Answers one request; may throw {@link ApiError}. */
    @FunctionalInterface
    interface Handler {
        Object handle(Context ctx, byte[] body) throws Exception;
    }
}
