package dev.baton.server;

import io.javalin.http.Context;

import java.lang.reflect.Type;
import java.util.List;

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
 */
record Route(String method, String path, String summary, Type request, Type response, int status, long maxBody,
             Handler handler, List<Header> headers, List<Query> query) {

    Route(String method, String path, String summary, Type request, Type response, int status, long maxBody,
          Handler handler) {
        this(method, path, summary, request, response, status, maxBody, handler, List.of(), List.of());
    }

    Route(String method, String path, String summary, Type request, Type response, int status, long maxBody,
          Handler handler, List<Header> headers) {
        this(method, path, summary, request, response, status, maxBody, handler, headers, List.of());
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
