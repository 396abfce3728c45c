/**
 * Expected ids and `.dvc` text taken from DVC's own test suite (dvc is not installable here: no
 * PyPI), so our output is checked against what DVC itself asserts. Sources, iterative/dvc at
 * 9f901e57a20889bd08f91479cd326c3b7f80d037:
 *  - tests/func/test_diff.py `test_no_cache_entry`: dir {"1": "1", "2": "2"} is 5fb6b298….dir
 *  - tests/func/test_diff.py `test_diff_add_similar_files`: {"file": "text1", "subdir": {"file2": "text2"}} is cb58ee07….dir
 *  - tests/func/test_ls.py: {"bar": "bar"} is 91aaa9bb….dir
 *  - tests/func/test_data_cloud.py `test_output_remote`: {"one": "one", "two": "two"} is 6b18131d….dir
 *  - tests/func/test_install.py `test_merge_driver_no_ancestor` / `test_merge_driver`: the exact
 *    `.dvc` text of {"foo": "foo", "bar": "bar"} and {"master", "one", "two"} directories
 *  - tests/func/test_add.py `test_add` / `test_add_executable`: a 3-byte file "foo" is
 *    acbd18db4cc2f85cedef654fccc4a4d8 with fields md5, size, (isexec), hash: md5, path
 */

export interface DirFixture {
  /** relpath → file content */
  files: Record<string, string>;
  id: string;
  size: number;
  /** `.dvc` text DVC writes for it under the name `data`, where the test spells it out. */
  dvcText?: string;
}

export const DVC_DIR_FIXTURES: Record<string, DirFixture> = {
  'test_diff.py test_no_cache_entry': { files: { '1': '1', '2': '2' }, id: '5fb6b29836c388e093ca0715c872fe2a.dir', size: 2 },
  'test_diff.py test_diff_add_similar_files': {
    files: { file: 'text1', 'subdir/file2': 'text2' },
    id: 'cb58ee07cb01044db229e4d6121a0dfc.dir',
    size: 10,
  },
  'test_ls.py': { files: { bar: 'bar' }, id: '91aaa9bb58b657d623ef143b195a67e4.dir', size: 3 },
  'test_data_cloud.py test_output_remote': { files: { one: 'one', two: 'two' }, id: '6b18131dc289fd37006705affe961ef8.dir', size: 6 },
  'test_install.py test_merge_driver_no_ancestor': {
    files: { foo: 'foo', bar: 'bar' },
    id: '5ea40360f5b4ec688df672a4db9c17d1.dir',
    size: 6,
    dvcText: 'outs:\n- md5: 5ea40360f5b4ec688df672a4db9c17d1.dir\n  size: 6\n  nfiles: 2\n  hash: md5\n  path: data\n',
  },
  'test_install.py test_merge_driver': {
    files: { master: 'master', one: 'one', two: 'two' },
    id: '839ef9371606817569c1ee0e5f4ed233.dir',
    size: 12,
    dvcText: 'outs:\n- md5: 839ef9371606817569c1ee0e5f4ed233.dir\n  size: 12\n  nfiles: 3\n  hash: md5\n  path: data\n',
  },
};

/** tests/func/test_add.py: `foo` containing "foo". */
export const DVC_FILE_FIXTURE = {
  content: 'foo',
  md5: 'acbd18db4cc2f85cedef654fccc4a4d8',
  dvcText: 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  hash: md5\n  path: foo\n',
  dvcTextExecutable: 'outs:\n- md5: acbd18db4cc2f85cedef654fccc4a4d8\n  size: 3\n  isexec: true\n  hash: md5\n  path: foo\n',
};
