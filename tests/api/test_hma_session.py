"""A complete HMA client session, keyless from the open network as HMA is deployed, with HMA's own
test requests and the answers ``../shared/docs/HMA-API.md`` gives for them: create a bank, add
content by URL and by file, add a signal with a note, look up by hash and by URL, raw lookup with
``banks``, compare, index status, delete content."""

import time
import warnings
from pathlib import Path

from hma_support import hma_client, hma_images, open_network_settings

from rempart.settings import Settings

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from threatexchange.signal_type.pdq.signal import PdqSignal

SPECIMEN_1 = "facd8bcb2a49bcebdec1985298d5fe84bcd006c187c598c720c3c087b3fdb318"
SPECIMEN_2 = "facd8bcb2a49bcebdec1985228d5ae84bcd006c187c598c720c2b087b3fdb318"


def test_a_whole_hma_client_session(backend_settings: Settings, tmp_path: Path) -> None:
    settings = open_network_settings(backend_settings)
    with hma_images(tmp_path / "media") as (base, pdq), hma_client(settings) as client:
        image1, image2 = f"{base}/image1.jpg", f"{base}/image2.jpg"
        # banks: HMA's name rule, 201 with the ratio, 403 on a duplicate
        assert client.get("/c/banks").json() == []
        for bad in ("01_TEST_BANK", "my_test_bank"):
            refused = client.post("/c/banks", json={"name": bad})
            assert refused.status_code == 400 and "message" in refused.json()
        created = client.post("/c/banks", json={"name": "NEW_BANK"})
        assert created.status_code == 201
        assert created.json() == {"matching_enabled_ratio": 1.0, "name": "NEW_BANK"}
        duplicate = client.post("/c/banks", json={"name": "NEW_BANK"})
        assert duplicate.status_code == 403 and duplicate.json()["message"] == "Bank already exists"
        assert client.get("/c/banks").json() == [created.json()]

        # content by URL: 200, the id, threatexchange's PDQ bit for bit
        added = client.post(f"/c/bank/NEW_BANK/content?url={image1}&content_type=photo")
        assert added.status_code == 200
        assert added.json() == {"id": 1, "signals": {"pdq": pdq[image1]}}
        # the same file again is a new item (HMA never de-duplicates)
        again = client.post(f"/c/bank/NEW_BANK/content?url={image1}&content_type=photo")
        assert again.json() == {"id": 2, "signals": {"pdq": pdq[image1]}}
        assert client.delete("/c/bank/NEW_BANK/content/2").json() == {"deleted": 1}
        assert client.delete("/c/bank/NEW_BANK/content/2").json() == {"deleted": 0}

        # content by file: the field name is the content type
        with (tmp_path / "media" / "image2.jpg").open("rb") as handle:
            by_file = client.post(
                "/c/bank/NEW_BANK/content", files={"photo": ("image2.jpg", handle, "image/jpeg")}
            )
        assert by_file.status_code == 200
        assert by_file.json() == {"id": 3, "signals": {"pdq": pdq[image2]}}

        # a hash with a note; the note comes back, a content without one has no "note"
        signal = client.post(
            "/c/bank/NEW_BANK/signal", json={"pdq": SPECIMEN_1, "note": "Hash from campaign ABC"}
        )
        assert signal.status_code == 200
        assert signal.json() == {"id": 4, "signals": {"pdq": SPECIMEN_1}}
        content = client.get("/c/bank/NEW_BANK/content/4").json()
        assert content["note"] == "Hash from campaign ABC"
        assert content["id"] == 4 and content["disable_until_ts"] == 1
        assert content["bank"] == {"name": "NEW_BANK", "matching_enabled_ratio": 1.0}
        assert "signals" not in content and "metadata" not in content
        plain = client.get("/c/bank/NEW_BANK/content/1?include_signals=true").json()
        assert plain["signals"] == {"pdq": pdq[image1]} and "note" not in plain

        # raw lookups, with distance and with banks
        assert client.get(f"/m/raw_lookup?signal_type=pdq&signal={pdq[image1]}").json() == {
            "matches": [1]
        }
        assert client.get(f"/m/raw_lookup?signal_type=pdq&signal={pdq[image2]}").json() == {
            "matches": [3]
        }
        near = client.get(
            "/m/raw_lookup",
            params={"signal_type": "pdq", "signal": SPECIMEN_2, "include_distance": "true"},
        ).json()
        assert near == {"matches": [{"bank_content_id": 4, "distance": "9"}]}
        assert client.get(
            "/m/raw_lookup",
            params={"signal_type": "pdq", "signal": SPECIMEN_1, "banks": "NON_EXISTENT_BANK"},
        ).json() == {"matches": []}

        # lookups by hash (banks only) and by URL (one key per hashed type, even empty)
        assert client.get(f"/m/lookup?signal_type=pdq&signal={SPECIMEN_1}").json() == {
            "NEW_BANK": [{"bank_content_id": 4, "distance": "0"}]
        }
        assert client.get("/m/lookup?signal_type=pdq&signal=" + "5" * 64).json() == {}
        assert client.get(f"/m/lookup?url={image1}").json() == {
            "pdq": {"NEW_BANK": [{"bank_content_id": 1, "distance": "0"}]}
        }
        assert client.get(f"/m/lookup?url={image1}&signal_type=pdq").json() == {
            "NEW_BANK": [{"bank_content_id": 1, "distance": "0"}]
        }
        with (tmp_path / "media" / "image1.jpg").open("rb") as handle:
            posted = client.post(
                "/m/lookup", files={"photo": ("image1.jpg", handle, "image/jpeg")}
            ).json()
        assert posted == {"pdq": {"NEW_BANK": [{"bank_content_id": 1, "distance": "0"}]}}
        missing = client.get("/m/lookup")
        assert missing.status_code == 400 and "message" in missing.json()

        # compare, and its malformed inputs
        assert client.post("/m/compare", json={"pdq": [SPECIMEN_1, SPECIMEN_2]}).json() == {
            "pdq": [True, {"distance": 9}]
        }
        for bad_input in (
            ["banana"],
            {"pdq": "banana"},
            {"pdq": []},
            {"pdq": ["banana", "banana"]},
            {"pdq": [SPECIMEN_1, SPECIMEN_2, SPECIMEN_1]},
        ):
            assert client.post("/m/compare", json=bad_input).status_code == 400

        # index status: present, and the size HMA would report (photos 1 and 3, hash 4)
        status = client.get("/m/index/status?signal_type=pdq").json()
        assert status["pdq"]["present"] is True and status["pdq"]["size"] == 3
        assert status["pdq"]["built_to"] > 0

        # disabling a content hides it from /m/lookup (not from the raw lookup)
        future = int(time.time()) + 3600
        updated = client.put("/c/bank/NEW_BANK/content/4", json={"disable_until_ts": future})
        assert updated.status_code == 200 and updated.json()["disable_until_ts"] == future
        assert client.get(f"/m/lookup?signal_type=pdq&signal={SPECIMEN_1}").json() == {}
        assert client.get(f"/m/raw_lookup?signal_type=pdq&signal={SPECIMEN_1}").json() == {
            "matches": [4]
        }
        too_far = client.put("/c/bank/NEW_BANK/content/4", json={"disable_until_ts": 9999999999})
        assert too_far.status_code == 400

        # delete content: it no longer matches
        assert client.delete("/c/bank/NEW_BANK/content/1").json() == {"deleted": 1}
        assert client.get(f"/m/raw_lookup?signal_type=pdq&signal={pdq[image1]}").json() == {
            "matches": []
        }
        assert client.get("/c/bank/NEW_BANK/content/1").status_code == 404


def test_hma_end_to_end_flow_with_its_sixteen_example_hashes(
    backend_settings: Settings,
) -> None:
    """HMA's ``test_e2e_workflow``: its example PDQs added one by one, then looked up."""
    with hma_client(open_network_settings(backend_settings)) as client:
        assert client.post("/c/banks", json={"name": "TEST_BANK"}).status_code == 201
        hashes = PdqSignal.get_examples()
        for value in hashes:
            assert client.post("/c/bank/TEST_BANK/signal", json={"pdq": value}).status_code == 200
        build = client.get("/m/index/status?signal_type=pdq").json()["pdq"]
        assert build["present"] is True and build["size"] == len(hashes)
        assert client.get(f"/m/lookup?signal_type=pdq&signal={hashes[-1]}").json() == {
            "TEST_BANK": [{"bank_content_id": 16, "distance": "0"}]
        }
        assert client.get("/m/lookup?signal_type=pdq&signal=" + "5" * 64).json() == {}


def test_banks_update_rename_ratio_and_delete_as_hma(backend_settings: Settings) -> None:
    """HMA's ``test_banks_update`` and ``test_banks_delete``."""
    with hma_client(open_network_settings(backend_settings)) as client:
        assert client.post("/c/banks", json={"name": "MY_TEST_BANK"}).status_code == 201
        assert (
            client.put("/c/bank/MY_TEST_BANK", json={"name": "1_invalid_name"}).status_code == 400
        )
        renamed = client.put("/c/bank/MY_TEST_BANK", json={"name": "MY_TEST_BANK_RENAMED"})
        assert renamed.status_code == 200 and renamed.json()["name"] == "MY_TEST_BANK_RENAMED"
        disabled = client.put("/c/bank/MY_TEST_BANK_RENAMED", json={"enabled": False})
        assert disabled.json()["matching_enabled_ratio"] == 0
        half = client.put("/c/bank/MY_TEST_BANK_RENAMED", json={"enabled_ratio": 0.5})
        assert half.json()["matching_enabled_ratio"] == 0.5
        assert client.get("/c/banks").json() == [
            {"name": "MY_TEST_BANK_RENAMED", "matching_enabled_ratio": 0.5}
        ]
        assert client.put("/c/bank/NOPE", json={"enabled": True}).status_code == 404
        assert client.post("/c/banks", json={"name": "OTHER"}).status_code == 201
        taken = client.put("/c/bank/OTHER", json={"name": "MY_TEST_BANK_RENAMED"})
        assert taken.status_code == 403
        assert client.delete("/c/bank/MY_TEST_BANK_RENAMED").json() == {"message": "Done"}
        assert client.delete("/c/bank/MY_TEST_BANK_RENAMED").status_code == 200
        assert client.get("/c/bank/MY_TEST_BANK_RENAMED").status_code == 404
        assert client.get("/c/banks").json() == [{"name": "OTHER", "matching_enabled_ratio": 1.0}]
