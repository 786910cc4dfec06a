package io.mailscope.dissect.imap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which client tags were used and which still wait for their tagged response. Bounded: the oldest tags are
 * forgotten first, so a client pipelining without end cannot grow it.
 */
final class TagTracker {
    static final int MAX_TAGS = 1024;

    enum Previous { NONE, PENDING, COMPLETED }

    /** tag -> pending? */
    private final Map<String, Boolean> tags = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > MAX_TAGS;
        }
    };

    /** Records a new command with this tag and says what the tag was before. */
    Previous use(String tag) {
        Boolean before = tags.remove(tag);
        tags.put(tag, Boolean.TRUE);
        if (before == null) return Previous.NONE;
        return before ? Previous.PENDING : Previous.COMPLETED;
    }

    void complete(String tag) {
        if (tags.containsKey(tag)) tags.put(tag, Boolean.FALSE);
    }

    boolean pending(String tag) {
        return Boolean.TRUE.equals(tags.get(tag));
    }
}
