package io.mailscope.cli.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailscope.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code mailscope connect ...} in-process with its output captured. */
record ConnectRun(int exitCode, String out, String err) {

    static synchronized ConnectRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 1];
            all[0] = "connect";
            System.arraycopy(args, 0, all, 1, args.length);
            int code = Main.run(all);
            return new ConnectRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** The JSON Lines objects of a --json run. */
    List<JsonNode> json() {
        List<JsonNode> nodes = new ArrayList<>();
        ObjectMapper m = new ObjectMapper();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                try {
                    nodes.add(m.readTree(line));
                } catch (Exception e) {
                    throw new AssertionError("not JSON: " + line, e);
                }
            }
        }
        return nodes;
    }

    List<JsonNode> ofType(String type) {
        return json().stream().filter(n -> n.path("type").asText().equals(type)).toList();
    }

    List<String> findings() {
        return ofType("finding").stream().map(n -> n.path("code").asText()).toList();
    }

    @Override
    public String toString() {
        return "exit " + exitCode + "\n" + out + err;
    }
}
