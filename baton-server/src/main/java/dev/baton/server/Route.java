package dev.baton.server;

import io.javalin.http.Context;

import java.lang.reflect.Type;

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
 */
record Route(String method, String path, String summary, Type request, Type response, int status, long maxBody,
             Handler handler) {

    /** Answers one request; may throw {@link ApiError}. */
    @FunctionalInterface
    interface Handler {
        Object handle(Context ctx, byte[] body) throws Exception;
    }
}
