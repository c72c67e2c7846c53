"""Browser ORB (opencv.js on /protect) against Python ORB on the same photos: twins and self-match inliers.

Run: .venv/bin/python bench/browser_orb_agreement.py   (needs Debian chromium and the test extras)
"""
import json
import socket
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import uvicorn
from playwright.sync_api import sync_playwright

from rempart.api.app import create_app
from rempart.index.local import LocalFeatureIndex
from rempart.media import decode_image, sniff_kind
from rempart.samples import save_jpeg, synthetic_photo, textured_photo
from rempart.settings import Settings
from rempart.signals.local import LocalFeatures, local_features, query_features

tmp=Path(tempfile.mkdtemp()); st=Settings(data_dir=tmp/'d')
photos=[save_jpeg(textured_photo(201,(1080,1350)),tmp/'a.jpg'), save_jpeg(synthetic_photo(202,(2400,1800)),tmp/'b.jpg'), save_jpeg(textured_photo(203,(640,480)),tmp/'c.jpg'), save_jpeg(textured_photo(207,(900,1125)),tmp/'d.jpg')]
with socket.socket() as s: s.bind(('127.0.0.1',0)); port=s.getsockname()[1]
srv=uvicorn.Server(uvicorn.Config(create_app(st),host='127.0.0.1',port=port,log_level='warning')); threading.Thread(target=srv.run,daemon=True).start()
while not srv.started: time.sleep(0.05)
with sync_playwright() as p:
    b=p.chromium.launch(executable_path='/usr/bin/chromium',args=['--no-sandbox','--disable-gpu']); pg=b.new_page(); pg.goto(f'http://127.0.0.1:{port}/protect')
    pg.set_input_files('#photos',[str(x) for x in photos]); pg.wait_for_function('document.getElementById("count").textContent==="4"',timeout=60000)
    with pg.expect_request('**/protect/cases') as r: pg.click('#send')
    prints=json.loads(r.value.post_data_buffer)['fingerprints']; b.close()
srv.should_exit=True
for path, fp in zip(photos, prints):
    rgb=decode_image(path,sniff_kind(path,10**9),max_pixels=10**9,draft_size=512).frames[0]
    browser=LocalFeatures.from_bytes(bytes.fromhex(next(v['value'] for v in fp['values'] if v['signal']=='orb')))
    python=local_features(rgb)
    d=np.unpackbits(browser.descriptors[:,None,:]^python.descriptors[None,:,:],axis=2).sum(axis=2)
    near=np.linalg.norm(browser.xy[:,None,:]-python.xy[None,:,:],axis=2)<=2
    twin=((d<=16)&near).any(axis=1).mean()
    hits=LocalFeatureIndex([browser]).search(query_features(rgb),20)
    print(path.name, len(browser), len(python), 'browser kps with a python twin (<=2px, <=16 bits):', round(float(twin),2), 'self-match inliers:', hits[0].inliers if hits else 0)
